package dev.shoal.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoresTest {
  @TempDir Path temp;

  @Test
  void fileUriOpensALocalFileStore() {
    Path root = temp.resolve("by-uri");

    try (ObjectStore store = ObjectStores.open(root.toUri().toString())) {
      assertThat(store).isInstanceOf(LocalFileStore.class);
      assertThat(((LocalFileStore) store).root()).isEqualTo(root);
      assertThat(store.describe()).isEqualTo(root.toUri().toString().replaceAll("/$", ""));
    }
  }

  @Test
  void plainAbsolutePathOpensALocalFileStore() {
    Path root = temp.resolve("by-path");

    try (ObjectStore store = ObjectStores.open(root.toString())) {
      assertThat(((LocalFileStore) store).root()).isEqualTo(root);
    }
  }

  @Test
  void plainRelativePathResolvesAgainstTheWorkingDirectory() {
    StoreLocation location = StoreLocation.parse("data/shoal");

    assertThat(location)
        .isEqualTo(new StoreLocation.Folder(Path.of("data/shoal").toAbsolutePath()));
  }

  @Test
  void memoryUriOpensANewEmptyStoreEachTime() {
    try (ObjectStore first = ObjectStores.open("memory:");
        ObjectStore second = ObjectStores.open("memory:")) {
      first.put("k", new byte[] {1});

      assertThat(first).isInstanceOf(InMemoryObjectStore.class);
      assertThat(second.stat("k")).isEmpty();
    }
  }

  @Test
  void s3UriNamesBucketAndPrefix() {
    assertThat(StoreLocation.parse("s3://my-bucket"))
        .isEqualTo(new StoreLocation.Bucket("my-bucket", ""));
    assertThat(StoreLocation.parse("s3://my-bucket/"))
        .isEqualTo(new StoreLocation.Bucket("my-bucket", ""));
    assertThat(StoreLocation.parse("s3://my-bucket/team/shoal"))
        .isEqualTo(new StoreLocation.Bucket("my-bucket", "team/shoal/"));
    assertThat(StoreLocation.parse("S3://my.bucket/team/shoal/"))
        .isEqualTo(new StoreLocation.Bucket("my.bucket", "team/shoal/"));
  }

  @Test
  void s3UriWithoutBucketIsRejected() {
    assertThatThrownBy(() -> ObjectStores.open("s3://"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot open store s3://: bucket name missing");
    assertThatThrownBy(() -> ObjectStores.open("s3:///prefix"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot open store s3:///prefix: bucket name missing");
  }

  @Test
  void malformedS3UrisAreRejected() {
    assertThatThrownBy(() -> ObjectStores.open("s3:bucket"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot open store s3:bucket: expected s3://bucket/optional/prefix");
    assertThatThrownBy(() -> ObjectStores.open("s3://My_Bucket/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot open store s3://My_Bucket/x: invalid bucket name 'My_Bucket' (3 to 63"
                + " lowercase letters, digits, '.' and '-', starting and ending with a letter or"
                + " digit)");
    assertThatThrownBy(() -> ObjectStores.open("s3://bucket/a//b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot open store s3://bucket/a//b: invalid key prefix: Invalid object key: empty"
                + " path segment: a//b");
    assertThatThrownBy(() -> ObjectStores.open("s3://bucket/../x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot open store s3://bucket/../x: invalid key prefix: Invalid object key: segment"
                + " starts with '.': ../x");
    String longPrefix = "p".repeat(StoreLocation.MAX_KEY_PREFIX_LENGTH + 1);
    assertThatThrownBy(() -> ObjectStores.open("s3://bucket/" + longPrefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot open store s3://bucket/"
                + longPrefix
                + ": key prefix longer than 255 characters");
  }

  @Test
  void unknownSchemeIsRejected() {
    assertThatThrownBy(() -> ObjectStores.open("ftp://host/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot open store ftp://host/x: unknown scheme 'ftp'; use file:///absolute/path, a"
                + " plain path, s3://bucket/prefix or memory:");
    assertThatThrownBy(() -> ObjectStores.open("s3a://bucket/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot open store s3a://bucket/x: unknown scheme 's3a'; ");
  }

  @Test
  void malformedFileAndMemoryUrisAreRejected() {
    assertThatThrownBy(() -> ObjectStores.open("file://host/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot open store file://host/x: URI has an authority component; use"
                + " file:///absolute/path or a plain path");
    assertThatThrownBy(() -> ObjectStores.open("memory:shared"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot open store memory:shared: a memory store takes no path; use memory:");
    assertThatThrownBy(() -> ObjectStores.open(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot open store: the store URI is empty");
  }
}
