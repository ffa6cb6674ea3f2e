package dev.shoal.flink.internal;

import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.flink.ObjectStoreFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store named by a {@code storeUri} and its S3 options, opened on the task managers.
 *
 * <ul>
 *   <li>{@code file:///path}: a folder on a file system every task manager sees;
 *   <li>{@code s3://bucket/prefix}: S3 or an S3-compatible endpoint;
 *   <li>{@code memory://name}: a heap store shared by name inside one JVM, for tests and local
 *       experiments with a MiniCluster (gone when the JVM exits).
 * </ul>
 */
public final class StoreUri implements ObjectStoreFactory {
  private static final long serialVersionUID = 1L;
  private static final Map<String, InMemoryObjectStore> MEMORY = new ConcurrentHashMap<>();

  private final String uri;
  private final S3Settings s3;

  public StoreUri(String uri, S3Settings s3) {
    this.uri = parse(uri).toString();
    this.s3 = Objects.requireNonNull(s3, "s3 is null");
  }

  /** Checks a store URI and returns it parsed; the message says what is accepted. */
  public static URI parse(String uri) {
    Objects.requireNonNull(uri, "storeUri is null");
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("Invalid store URI \"" + uri + "\": " + e.getMessage(), e);
    }
    String scheme = parsed.getScheme();
    if (scheme == null
        || !(scheme.equals("file") || scheme.equals("s3") || scheme.equals("memory"))) {
      throw new IllegalArgumentException(
          "Invalid store URI \""
              + uri
              + "\": expected file:///path, s3://bucket/prefix or memory://name");
    }
    if (scheme.equals("file") && (parsed.getPath() == null || parsed.getPath().isEmpty())) {
      throw new IllegalArgumentException(
          "Invalid store URI \""
              + uri
              + "\": a file URI needs an absolute path, as in file:///data");
    }
    if ((scheme.equals("s3") || scheme.equals("memory"))
        && (parsed.getHost() == null || parsed.getHost().isEmpty())) {
      throw new IllegalArgumentException(
          "Invalid store URI \""
              + uri
              + "\": "
              + (scheme.equals("s3")
                  ? "no bucket, as in s3://bucket/prefix"
                  : "no name, as in memory://test"));
    }
    return parsed;
  }

  public boolean isS3() {
    return uri.startsWith("s3:");
  }

  @Override
  public ObjectStore open() {
    URI parsed = URI.create(uri);
    switch (parsed.getScheme()) {
      case "memory":
        return MEMORY.computeIfAbsent(parsed.getHost(), name -> new InMemoryObjectStore());
      default:
        return StoreBackends.open(parsed, s3);
    }
  }

  /** Forgets a {@code memory://} store (tests call it between cases). */
  public static void dropMemoryStore(String name) {
    MEMORY.remove(name);
  }

  @Override
  public String describe() {
    return uri;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoreUri other && uri.equals(other.uri) && s3.equals(other.s3);
  }

  @Override
  public int hashCode() {
    return Objects.hash(uri, s3);
  }

  @Override
  public String toString() {
    return uri;
  }
}
