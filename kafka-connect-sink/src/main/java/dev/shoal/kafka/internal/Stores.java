package dev.shoal.kafka.internal;

import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.kafka.ShoalSinkConfig;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.config.ConfigException;

/**
 * Opens the object store a sink configuration names, and checks it is usable.
 *
 * <p>Thread-safe.
 */
public final class Stores {
  /** Prefix of the objects {@link #probe} writes and deletes. */
  public static final String PROBE_PREFIX = "_probe/";

  private static final Map<String, ObjectStore> REGISTERED = new ConcurrentHashMap<>();

  private Stores() {}

  /**
   * Opens the store of {@code config}; the caller closes it.
   *
   * @throws ConfigException if the URI's scheme has no backend
   */
  public static ObjectStore open(ShoalSinkConfig config) {
    ObjectStore registered = REGISTERED.get(config.storeUri());
    if (registered != null) {
      return new Unclosed(registered);
    }
    throw new ConfigException(
        ShoalSinkConfig.STORE_URI,
        config.storeUri(),
        "Cannot open the store: no backend for this URI in this build");
  }

  /**
   * Makes {@link #open} return {@code store} for {@code uri} (tests that share an in-memory store
   * between a Connect worker and their assertions). The store is not closed by the sink.
   */
  public static void register(String uri, ObjectStore store) {
    REGISTERED.put(uri, store);
  }

  public static void unregister(String uri) {
    REGISTERED.remove(uri);
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
    byte[] data = "shoal-kafka-connect-probe".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    store.put(key, data);
    try {
      byte[] back = store.get(key);
      if (!java.util.Arrays.equals(back, data)) {
        throw new IllegalStateException(
            "Cannot use store " + store.describe() + ": probe object " + key + " read back wrong");
      }
    } finally {
      store.delete(key);
    }
  }

  /** A view of a shared store whose {@link #close()} does nothing. */
  private record Unclosed(ObjectStore delegate) implements ObjectStore {
    @Override
    public byte[] get(String key) {
      return delegate.get(key);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
      return delegate.getRange(key, offset, length);
    }

    @Override
    public java.util.Optional<dev.shoal.engine.storage.ObjectInfo> stat(String key) {
      return delegate.stat(key);
    }

    @Override
    public void put(String key, byte[] data) {
      delegate.put(key, data);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
      return delegate.putIfAbsent(key, data);
    }

    @Override
    public void delete(String key) {
      delegate.delete(key);
    }

    @Override
    public java.util.List<dev.shoal.engine.storage.ObjectInfo> list(String prefix) {
      return delegate.list(prefix);
    }

    @Override
    public String describe() {
      return delegate.describe();
    }
  }
}
