package dev.shoal.kafka.testing;

import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.storage.StorageException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a store and fails the next writes with a transient {@link StorageException}. */
public final class FlakyStore implements ObjectStore {
  private final ObjectStore delegate;
  private final AtomicInteger failWrites = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private volatile boolean permanent;

  public FlakyStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  /** Fails the next {@code n} writes (put, putIfAbsent) transiently. */
  public void failNextWrites(int n) {
    failWrites.set(n);
  }

  /** Makes every write fail with a permanent (non-transient) error. */
  public void failPermanently(boolean value) {
    permanent = value;
  }

  public int failures() {
    return failures.get();
  }

  private void maybeFail(String key) {
    if (permanent) {
      failures.incrementAndGet();
      throw new StorageException("Cannot write " + key + ": access denied (test)", false, null);
    }
    if (failWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      failures.incrementAndGet();
      throw new StorageException(
          "Cannot write " + key + ": service unavailable (test)", true, null);
    }
  }

  @Override
  public byte[] get(String key) {
    return delegate.get(key);
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    return delegate.getRange(key, offset, length);
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    return delegate.stat(key);
  }

  @Override
  public void put(String key, byte[] data) {
    maybeFail(key);
    delegate.put(key, data);
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) {
    maybeFail(key);
    return delegate.putIfAbsent(key, data);
  }

  @Override
  public void delete(String key) {
    delegate.delete(key);
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    return delegate.list(prefix);
  }

  @Override
  public String describe() {
    return "flaky(" + delegate.describe() + ")";
  }
}
