package dev.shoal.engine.testing;

import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.storage.StorageException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Wraps a store and makes one mutating call ({@code put}, {@code putIfAbsent}, {@code delete})
 * fail, to test crash safety at every step.
 *
 * <ul>
 *   <li>{@link Mode#FAIL_BEFORE}: the call throws without doing anything; later calls work.
 *   <li>{@link Mode#FAIL_AFTER}: the call takes effect, then throws (a lost response).
 *   <li>{@link Mode#CRASH}: the call takes effect or not (as {@code crashAfterEffect} says), then
 *       this call and every later one throws: the process "died" and its engine is abandoned.
 *   <li>{@link Mode#AMBIGUOUS}: the call takes effect or not (as {@code crashAfterEffect} says),
 *       then throws, and every later call on the same key (reads included) throws too until {@link
 *       #heal()} or the given number of calls has failed: an answer lost together with the
 *       read-back that would have resolved it, so the outcome stays unknown to the caller.
 * </ul>
 *
 * Thread-safe.
 */
public final class FaultInjectingObjectStore implements ObjectStore {
  public enum Mode {
    FAIL_BEFORE,
    FAIL_AFTER,
    CRASH,
    AMBIGUOUS
  }

  private final ObjectStore delegate;
  private final AtomicInteger mutations = new AtomicInteger();
  private final AtomicBoolean crashed = new AtomicBoolean();
  private volatile int failAt = -1;
  private volatile Mode mode = Mode.FAIL_BEFORE;
  private volatile boolean crashAfterEffect;
  private volatile Predicate<String> keyFilter = k -> true;
  private volatile int blockedCalls = Integer.MAX_VALUE;
  private volatile Runnable onFailure = () -> {};
  // Guarded by this: the key an AMBIGUOUS failure made unreachable, and how many calls on it fail.
  private String blockedKey;
  private int blockedLeft;
  private final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();

  public FaultInjectingObjectStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  /** Fails the {@code n}-th mutating call (1-based, counting only keys the filter accepts). */
  public FaultInjectingObjectStore failAt(int n, Mode mode, boolean crashAfterEffect) {
    this.failAt = n;
    this.mode = mode;
    this.crashAfterEffect = crashAfterEffect;
    return this;
  }

  /**
   * With {@link Mode#AMBIGUOUS}: how many later calls on the failed key fail before it is reachable
   * again ({@link Integer#MAX_VALUE}, the default, until {@link #heal()}).
   */
  public FaultInjectingObjectStore blockedCalls(int n) {
    this.blockedCalls = n;
    return this;
  }

  /** Runs {@code action} when the injected failure fires, before the call takes effect or fails. */
  public FaultInjectingObjectStore onFailure(Runnable action) {
    this.onFailure = action;
    return this;
  }

  /** Makes a key blocked by an {@link Mode#AMBIGUOUS} failure reachable again. */
  public synchronized void heal() {
    blockedKey = null;
  }

  /** The operation ({@code put}, {@code putIfAbsent}, {@code delete}) of each counted mutation. */
  public List<String> log() {
    return List.copyOf(log);
  }

  /** Only calls on keys accepted by the filter count and fail. */
  public FaultInjectingObjectStore onlyKeys(Predicate<String> filter) {
    this.keyFilter = filter;
    return this;
  }

  /** Mutating calls seen so far (on filtered keys). */
  public int mutations() {
    return mutations.get();
  }

  public boolean crashed() {
    return crashed.get();
  }

  private void checkAlive(String op, String key) {
    if (crashed.get()) {
      throw new StorageException("Injected: process crashed before " + op + " " + key, true, null);
    }
    synchronized (this) {
      if (key.equals(blockedKey)) {
        if (--blockedLeft <= 0) {
          blockedKey = null;
        }
        throw new StorageException("Injected: " + key + " is unreachable for " + op, true, null);
      }
    }
  }

  private <T> T mutate(String op, String key, java.util.function.Supplier<T> effect) {
    checkAlive(op, key);
    if (!keyFilter.test(key)) {
      return effect.get();
    }
    int n = mutations.incrementAndGet();
    log.add(op);
    if (n != failAt) {
      return effect.get();
    }
    onFailure.run();
    switch (mode) {
      case FAIL_BEFORE:
        throw new StorageException("Injected failure before " + op + " " + key, true, null);
      case FAIL_AFTER:
        effect.get();
        throw new StorageException("Injected failure after " + op + " " + key, true, null);
      case AMBIGUOUS:
        if (crashAfterEffect) {
          effect.get();
        }
        synchronized (this) {
          blockedKey = key;
          blockedLeft = blockedCalls;
        }
        throw new StorageException("Injected: no answer to " + op + " " + key, true, null);
      default:
        if (crashAfterEffect) {
          effect.get();
        }
        crashed.set(true);
        throw new StorageException("Injected crash at " + op + " " + key, true, null);
    }
  }

  @Override
  public byte[] get(String key) {
    checkAlive("get", key);
    return delegate.get(key);
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    checkAlive("getRange", key);
    return delegate.getRange(key, offset, length);
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    checkAlive("stat", key);
    return delegate.stat(key);
  }

  @Override
  public void put(String key, byte[] data) {
    mutate(
        "put",
        key,
        () -> {
          delegate.put(key, data);
          return null;
        });
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) {
    return mutate("putIfAbsent", key, () -> delegate.putIfAbsent(key, data));
  }

  @Override
  public void delete(String key) {
    mutate(
        "delete",
        key,
        () -> {
          delegate.delete(key);
          return null;
        });
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    checkAlive("list", prefix);
    return delegate.list(prefix);
  }

  @Override
  public String describe() {
    return "faulty(" + delegate.describe() + ")";
  }
}
