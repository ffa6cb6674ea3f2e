package dev.shoal.kafka.internal;

import dev.shoal.engine.Engine;
import dev.shoal.engine.EngineConfig;
import dev.shoal.kafka.ShoalSinkConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * One {@link Engine} per store and worker, shared by every task that writes to it, counted by
 * reference. Sharing matters for throughput: writes of different tasks to one namespace are then
 * group-committed into one manifest version by one engine, instead of several engines racing for
 * each version, and the worker runs one set of commit threads and caches.
 *
 * <p>Thread-safe.
 */
public final class SharedEngines {
  private static final Map<String, Entry> ENGINES = new HashMap<>();

  private SharedEngines() {}

  private static final class Entry {
    final Engine engine;
    int references;

    Entry(Engine engine) {
      this.engine = engine;
    }
  }

  /** A handle on the shared engine of a configuration's store; close it when done. */
  public static final class Lease implements AutoCloseable {
    private final String key;
    private final Engine engine;
    private boolean closed;

    private Lease(String key, Engine engine) {
      this.key = key;
      this.engine = engine;
    }

    public Engine engine() {
      return engine;
    }

    @Override
    public void close() {
      synchronized (ENGINES) {
        if (closed) {
          return;
        }
        closed = true;
        Entry e = ENGINES.get(key);
        if (e != null && e.engine == engine && --e.references == 0) {
          ENGINES.remove(key);
          e.engine.close();
        }
      }
    }
  }

  /** Takes a reference on the engine for {@code config}'s store, opening it if needed. */
  public static Lease acquire(ShoalSinkConfig config) {
    String key = key(config);
    synchronized (ENGINES) {
      Entry e = ENGINES.get(key);
      if (e == null) {
        e = new Entry(open(config));
        ENGINES.put(key, e);
      }
      e.references++;
      return new Lease(key, e.engine);
    }
  }

  private static Engine open(ShoalSinkConfig config) {
    // A sink does not query: a small cache suffices.
    EngineConfig engineConfig =
        EngineConfig.builder()
            .memoryCacheBytes(128L << 20)
            .autoCompact(config.compactionEnabled())
            .build();
    return Engine.builder().ownedStore(Stores.open(config)).config(engineConfig).build();
  }

  /** Everything that selects a store; secrets only as a digest. */
  static String key(ShoalSinkConfig config) {
    String secret = config.s3AccessKeyId() + ":" + config.s3SecretAccessKey();
    return String.join(
        "|",
        config.storeUri(),
        config.s3Endpoint(),
        config.s3Region(),
        Boolean.toString(config.s3PathStyleAccess()),
        Boolean.toString(config.compactionEnabled()),
        sha256(secret));
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
