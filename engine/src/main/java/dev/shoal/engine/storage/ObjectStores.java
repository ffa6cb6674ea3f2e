package dev.shoal.engine.storage;

/**
 * Opens object stores from a URI:
 *
 * <ul>
 *   <li>{@code file:///var/lib/shoal} or a plain path such as {@code ./data}: a {@link
 *       LocalFileStore};
 *   <li>{@code s3://bucket/optional/prefix}: an {@link S3ObjectStore}, checked with {@link
 *       S3ObjectStore#verifyConditionalWrites()} unless {@link
 *       StoreOptions#verifyConditionalWrites()} is off;
 *   <li>{@code memory:}: a new, empty {@link InMemoryObjectStore} (two calls give two stores).
 * </ul>
 *
 * The caller owns the returned store and closes it.
 */
public final class ObjectStores {
  private ObjectStores() {}

  /**
   * Opens the store at {@code uri} with default options.
   *
   * @throws IllegalArgumentException "Cannot open store &lt;uri&gt;: &lt;reason&gt;" for a URI that
   *     cannot be parsed or an unknown scheme
   * @throws StorageException if the store cannot be reached or fails its start-up checks
   */
  public static ObjectStore open(String uri) {
    return open(StoreOptions.of(uri));
  }

  /**
   * Opens the store that {@code options} describe.
   *
   * @throws IllegalArgumentException if the options are invalid
   * @throws StorageException if the store cannot be reached or fails its start-up checks
   */
  public static ObjectStore open(StoreOptions options) {
    StoreLocation location = options.location();
    if (location instanceof StoreLocation.Memory) {
      return new InMemoryObjectStore();
    }
    if (location instanceof StoreLocation.Folder folder) {
      return new LocalFileStore(folder.root());
    }
    StoreLocation.Bucket bucket = (StoreLocation.Bucket) location;
    S3ObjectStore store = new S3ObjectStore(bucket.bucket(), bucket.keyPrefix(), options);
    if (options.verifyConditionalWrites()) {
      try {
        store.verifyConditionalWrites();
      } catch (RuntimeException e) {
        try {
          store.close();
        } catch (RuntimeException closing) {
          e.addSuppressed(closing);
        }
        throw e;
      }
    }
    return store;
  }
}
