package dev.shoal.flink.testing;

import dev.shoal.engine.manifest.NamespaceLayout;
import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.storage.StorageException;
import dev.shoal.flink.ObjectStoreFactory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Opens a store that "crashes" once, the way a task manager dies in the middle of a commit: the
 * first engine to create a manifest version at or above {@link #arm}'s threshold has that call
 * fail, before or after the manifest is written, and every later call of that engine fails too (its
 * process is gone). Engines opened afterwards (the restarted tasks) work normally. The trigger is
 * static because Flink ships the factory to the tasks by serialization.
 */
public final class CrashingStoreFactory implements ObjectStoreFactory {
  private static final long serialVersionUID = 1L;

  /** Where the crash happens relative to the manifest swap. */
  public enum When {
    BEFORE_SWAP,
    AFTER_SWAP
  }

  private static final AtomicReference<When> ARMED = new AtomicReference<>();
  private static volatile long minVersion;
  private static final AtomicInteger CRASHES = new AtomicInteger();

  private final ObjectStoreFactory delegate;

  public CrashingStoreFactory(ObjectStoreFactory delegate) {
    this.delegate = delegate;
  }

  /** Crashes the first creation of a manifest version {@code >= version}. */
  public static void arm(When when, long version) {
    CRASHES.set(0);
    minVersion = version;
    ARMED.set(when);
  }

  public static void disarm() {
    ARMED.set(null);
  }

  public static int crashes() {
    return CRASHES.get();
  }

  @Override
  public ObjectStore open() {
    return new CrashingStore(delegate.open());
  }

  @Override
  public String describe() {
    return "crashing(" + delegate.describe() + ")";
  }

  private static final class CrashingStore implements ObjectStore {
    private final ObjectStore store;
    private volatile boolean crashed;

    CrashingStore(ObjectStore store) {
      this.store = store;
    }

    private void alive(String key) {
      if (crashed) {
        throw new StorageException("Injected: the process crashed before " + key, false, null);
      }
    }

    @Override
    public byte[] get(String key) {
      alive(key);
      return store.get(key);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
      alive(key);
      return store.getRange(key, offset, length);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
      alive(key);
      return store.stat(key);
    }

    @Override
    public void put(String key, byte[] data) {
      alive(key);
      store.put(key, data);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
      alive(key);
      if (key.contains("/manifests/") && NamespaceLayout.versionOf(key) >= minVersion) {
        When when = ARMED.getAndSet(null);
        if (when != null) {
          crashed = true;
          CRASHES.incrementAndGet();
          if (when == When.AFTER_SWAP) {
            store.putIfAbsent(key, data);
          }
          throw new StorageException("Injected crash " + when + " creating " + key, false, null);
        }
      }
      return store.putIfAbsent(key, data);
    }

    @Override
    public void delete(String key) {
      alive(key);
      store.delete(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
      alive(prefix);
      return store.list(prefix);
    }

    @Override
    public String describe() {
      return "crashing(" + store.describe() + ")";
    }
  }
}
