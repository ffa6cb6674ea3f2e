package dev.shoal.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFileStoreTest extends ObjectStoreContractTest {
  @TempDir Path temp;

  private Path root;

  @Override
  protected ObjectStore newStore() {
    root = temp.resolve("store");
    return new LocalFileStore(root);
  }

  @Override
  protected int raceRounds() {
    return 25;
  }

  @Test
  void keyMapsToFileUnderRoot() throws IOException {
    store.put("acme/x/wal/0001.wal", bytes("hello"));

    assertThat(root.resolve("acme/x/wal/0001.wal")).hasBinaryContent(bytes("hello"));
    assertThat(store.describe()).isEqualTo(root.toUri().toString().replaceAll("/$", ""));
    assertThat(((LocalFileStore) store).root()).isEqualTo(root);
  }

  @Test
  void writesLeaveNoTemporaryFiles() throws IOException {
    store.put("a/k1", bytes("x"));
    store.putIfAbsent("a/k2", bytes("y"));
    store.putIfAbsent("a/k2", bytes("z"));

    assertThat(filesUnder(root))
        .containsExactlyInAnyOrder(root.resolve("a/k1"), root.resolve("a/k2"));
  }

  @Test
  void temporaryFilesAreInvisibleToList() throws IOException {
    store.put("acme/x/wal/0001.wal", bytes("x"));
    Files.write(root.resolve("acme/x/wal/.shoal-1234.tmp"), bytes("partial"));
    Files.write(root.resolve(".shoal-5678.tmp"), bytes("partial"));

    assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("acme/x/wal/0001.wal");
    assertThat(store.list("acme/x/wal/"))
        .extracting(ObjectInfo::key)
        .containsExactly("acme/x/wal/0001.wal");
  }

  @Test
  void filesThatAreNoValidKeyAreNotListed() throws IOException {
    store.put("acme/ok", bytes("x"));
    Files.write(root.resolve("acme/not a key"), bytes("foreign"));
    Files.createDirectories(root.resolve("acme/.git"));
    Files.write(root.resolve("acme/.git/config"), bytes("foreign"));

    assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("acme/ok");
  }

  @Test
  void crashMidWriteNeverExposesPartialObject() throws IOException {
    // A writer that died before its rename leaves only its temporary file.
    Files.createDirectories(root.resolve("acme/x/manifests"));
    Files.write(root.resolve("acme/x/manifests/.shoal-dead.tmp"), bytes("half a manif"));

    assertThatThrownBy(() -> store.get("acme/x/manifests/00000001"))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessage("Object not found: acme/x/manifests/00000001");
    assertThat(store.stat("acme/x/manifests/00000001")).isEmpty();
    assertThat(store.list("acme/")).isEmpty();
    assertThat(store.putIfAbsent("acme/x/manifests/00000001", bytes("whole manifest"))).isTrue();
    assertThat(store.get("acme/x/manifests/00000001")).isEqualTo(bytes("whole manifest"));
  }

  @Test
  void staleTemporaryFilesAreDeletedAtStartUpAndFreshOnesKept() throws IOException {
    Files.createDirectories(root.resolve("a/b"));
    Path stale = root.resolve("a/b/.shoal-stale.tmp");
    Path fresh = root.resolve("a/b/.shoal-fresh.tmp");
    Path foreign = root.resolve("a/b/.keep");
    for (Path file : List.of(stale, fresh, foreign)) {
      Files.write(file, bytes("x"));
    }
    FileTime twoHoursAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
    Files.setLastModifiedTime(stale, twoHoursAgo);
    Files.setLastModifiedTime(foreign, twoHoursAgo);

    new LocalFileStore(root).close();

    assertThat(stale).doesNotExist();
    assertThat(fresh).exists();
    assertThat(foreign).exists();
  }

  @Test
  void keysCannotEscapeTheRoot() throws IOException {
    Path outside = temp.resolve("outside");
    for (String key : List.of("../outside", "a/../../outside", "/tmp/outside", "..", "a/..")) {
      assertThatThrownBy(() -> store.put(key, bytes("x")), key)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Invalid object key: ");
    }
    assertThatThrownBy(() -> store.list("../"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid object key: segment starts with '.': ..");

    assertThat(outside).doesNotExist();
    try (Stream<Path> entries = Files.list(temp)) {
      assertThat(entries).containsExactly(root);
    }
  }

  @Test
  void deleteRemovesEmptiedFoldersButNeverTheRoot() throws IOException {
    store.put("acme/x/wal/0001.wal", bytes("x"));
    store.put("acme/y/wal/0001.wal", bytes("y"));

    store.delete("acme/x/wal/0001.wal");

    assertThat(root.resolve("acme/x")).doesNotExist();
    assertThat(root.resolve("acme/y/wal/0001.wal")).exists();

    store.delete("acme/y/wal/0001.wal");

    assertThat(root).isEmptyDirectory();
  }

  @Test
  void deleteOfAFolderKeyLeavesItsObjects() {
    store.put("acme/x/wal/0001.wal", bytes("x"));

    store.delete("acme/x/wal");

    assertThat(store.get("acme/x/wal/0001.wal")).isEqualTo(bytes("x"));
  }

  @Test
  void objectAndFolderOfTheSameNameCollideWithAClearError() {
    store.put("acme/x", bytes("object"));
    store.put("acme/y/wal/0001.wal", bytes("object in folder"));

    assertThatThrownBy(() -> store.put("acme/x/wal/0001.wal", bytes("x")))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith(
            "Cannot put object acme/x/wal/0001.wal to "
                + store.describe()
                + ": the key collides with an object or folder of the same name (on a file system"
                + " a key cannot name an object and a folder at once): ")
        .satisfies(e -> assertThat(((StorageException) e).isTransient()).isFalse());
    assertThatThrownBy(() -> store.put("acme/y/wal", bytes("x")))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith(
            "Cannot put object acme/y/wal to " + store.describe() + ": the key collides");
    assertThatThrownBy(() -> store.putIfAbsent("acme/y", bytes("x")))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith(
            "Cannot create object acme/y in " + store.describe() + ": the key collides");
    assertThatThrownBy(() -> store.putIfAbsent("acme/x/z", bytes("x")))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith(
            "Cannot create object acme/x/z in " + store.describe() + ": the key collides");
    assertThat(store.list(""))
        .extracting(ObjectInfo::key)
        .containsExactly("acme/x", "acme/y/wal/0001.wal");
  }

  @Test
  void keysBelowAnObjectAreAbsent() {
    store.put("acme/x", bytes("object"));

    assertThatThrownBy(() -> store.get("acme/x/y"))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessage("Object not found: acme/x/y");
    assertThatThrownBy(() -> store.getRange("acme/x/y", 0, 1))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessage("Object not found: acme/x/y");
    assertThat(store.stat("acme/x/y")).isEmpty();
    store.delete("acme/x/y");
    assertThat(store.list("acme/x/")).isEmpty();
  }

  @Test
  void listWalksOnlyTheFolderThePrefixNames() {
    LocalFileStore files = (LocalFileStore) store;

    assertThat(files.listingFolder("")).isEqualTo(root);
    assertThat(files.listingFolder("acme")).isEqualTo(root);
    assertThat(files.listingFolder("acme/x/wal/")).isEqualTo(root.resolve("acme/x/wal"));
    assertThat(files.listingFolder("acme/x/wal/00")).isEqualTo(root.resolve("acme/x/wal"));
  }

  @Test
  void writersRecreateFoldersThatAConcurrentDeleteRemoves() throws Exception {
    // Each thread empties the shared folder after every write, racing the other's next write.
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (String name : List.of("k1", "k2")) {
        workers.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 300; i++) {
                    String key = "shared/folder/" + name;
                    if (i % 2 == 0) {
                      store.put(key, bytes(name + i));
                    } else {
                      assertThat(store.putIfAbsent(key, bytes(name + i))).isTrue();
                    }
                    assertThat(store.get(key)).isEqualTo(bytes(name + i));
                    store.delete(key);
                  }
                  return null;
                }));
      }
      for (Future<?> worker : workers) {
        worker.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(root).isEmptyDirectory();
  }

  @Test
  void opensMissingRootAndRelativePaths() {
    Path nested = temp.resolve("a/b/c");

    try (LocalFileStore created = new LocalFileStore(nested)) {
      assertThat(nested).isDirectory();
      assertThat(created.root()).isEqualTo(nested);
    }
    Path relative = Path.of("target", "local-file-store-test-" + System.nanoTime());
    try (LocalFileStore fromRelative = new LocalFileStore(relative)) {
      assertThat(fromRelative.root()).isAbsolute().isEqualTo(relative.toAbsolutePath());
      fromRelative.put("k", bytes("v"));
      assertThat(fromRelative.get("k")).isEqualTo(bytes("v"));
      fromRelative.delete("k");
    } finally {
      relative.toFile().delete();
    }
  }

  @Test
  void rootThatIsAFileIsRejected() throws IOException {
    Path file = Files.write(temp.resolve("a-file"), bytes("x"));

    assertThatThrownBy(() -> new LocalFileStore(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot open store " + file.toUri() + ": not a folder");
  }

  @Test
  void rootBelowAFileCannotBeCreated() throws IOException {
    Path file = Files.write(temp.resolve("a-file"), bytes("x"));
    Path below = file.resolve("store");

    assertThatThrownBy(() -> new LocalFileStore(below))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith(
            "Cannot open store " + below.toUri().toString().replaceAll("/$", "") + ": ");
  }

  @Test
  void storesSharingARootSeeEachOthersObjects() {
    try (LocalFileStore other = new LocalFileStore(root)) {
      store.put("acme/x/k", bytes("from first"));

      assertThat(other.get("acme/x/k")).isEqualTo(bytes("from first"));
      assertThat(other.putIfAbsent("acme/x/k", bytes("from second"))).isFalse();
    }
  }

  private static List<Path> filesUnder(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }
}
