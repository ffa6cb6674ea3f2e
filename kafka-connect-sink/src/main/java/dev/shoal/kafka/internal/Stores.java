package dev.shoal.kafka.internal;

import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.storage.ObjectStores;
import dev.shoal.engine.storage.StoreOptions;
import dev.shoal.kafka.ShoalSinkConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.apache.kafka.common.config.ConfigException;

/**
 * Opens the object store a sink configuration names, and checks it is usable.
 *
 * <p>Thread-safe.
 */
public final class Stores {
  /** Prefix of the objects {@link #probe} writes and deletes. */
  public static final String PROBE_PREFIX = "_probe/";

  private Stores() {}

  /** The engine's store options for a sink configuration. */
  public static StoreOptions options(ShoalSinkConfig config) {
    StoreOptions.Builder b = StoreOptions.builder(config.storeUri());
    if (!config.s3Endpoint().isEmpty()) {
      b.s3Endpoint(config.s3Endpoint());
    }
    if (!config.s3Region().isEmpty()) {
      b.s3Region(config.s3Region());
    }
    if (config.s3PathStyleAccess()) {
      b.s3PathStyle(true);
    }
    if (config.s3AccessKeyId() != null) {
      b.s3AccessKeyId(config.s3AccessKeyId());
      b.s3SecretAccessKey(config.s3SecretAccessKey());
    }
    return b.build();
  }

  /**
   * Opens the store of {@code config}; the caller closes it.
   *
   * @throws ConfigException if the settings do not describe a store (for example S3 settings with a
   *     {@code file://} URI)
   * @throws dev.shoal.engine.storage.StorageException if the store cannot be reached or fails its
   *     start-up checks (such as an S3 endpoint without conditional writes)
   */
  public static ObjectStore open(ShoalSinkConfig config) {
    StoreOptions options;
    try {
      options = options(config);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ShoalSinkConfig.STORE_URI, config.storeUri(), e.getMessage());
    }
    return ObjectStores.open(options);
  }

  /**
   * Checks the store is reachable and writable: writes, reads back and deletes an object under
   * {@link #PROBE_PREFIX}.
   *
   * @throws RuntimeException (a {@link dev.shoal.engine.storage.StorageException} usually) naming
   *     what failed
   */
  public static void probe(ObjectStore store) {
    String key = PROBE_PREFIX + "kafka-connect-" + UUID.randomUUID();
    byte[] data = "shoal-kafka-connect-probe".getBytes(StandardCharsets.UTF_8);
    store.put(key, data);
    try {
      byte[] back = store.get(key);
      if (!Arrays.equals(back, data)) {
        throw new IllegalStateException(
            "Cannot use store " + store.describe() + ": probe object " + key + " read back wrong");
      }
    } finally {
      store.delete(key);
    }
  }
}
