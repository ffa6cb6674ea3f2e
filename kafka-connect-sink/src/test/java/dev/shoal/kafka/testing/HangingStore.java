package dev.shoal.kafka.testing;

import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.storage.ObjectStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Wraps a store that can be made to hang: while {@link #hang hung}, every call waits (ignoring
 * interrupts, like a stalled socket) until {@link #release}. Thread-safe.
 */
public final class HangingStore implements ObjectStore {
  private static final long MAX_HANG_MINUTES = 5; // never outlive a test run

  private final ObjectStore delegate;
  private final AtomicInteger stalled = new AtomicInteger();
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile CountDownLatch gate;

  public HangingStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  /** From now on every call waits until {@link #release}. */
  public synchronized void hang() {
    if (gate == null) {
      gate = new CountDownLatch(1);
    }
  }

  /** Lets waiting and later calls through. */
  public synchronized void release() {
    if (gate != null) {
      gate.countDown();
      gate = null;
    }
  }

  /** Calls that found the store hung (some may still be waiting). */
  public int stalledCalls() {
    return stalled.get();
  }

  /** Calls waiting for {@link #release} right now. */
  public int waitingCalls() {
    return waiting.get();
  }

  private <T> T call(Supplier<T> op) {
    CountDownLatch g = gate;
    if (g != null) {
      stalled.incrementAndGet();
      waiting.incrementAndGet();
      boolean interrupted = false;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(MAX_HANG_MINUTES);
      while (g.getCount() > 0 && System.nanoTime() < deadline) {
        try {
          g.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      try {
        return op.get();
      } finally {
        waiting.decrementAndGet();
      }
    }
    return op.get();
  }

  @Override
  public byte[] get(String key) {
    return call(() -> delegate.get(key));
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    return call(() -> delegate.getRange(key, offset, length));
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    return call(() -> delegate.stat(key));
  }

  @Override
  public void put(String key, byte[] data) {
    call(
        () -> {
          delegate.put(key, data);
          return null;
        });
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) {
    return call(() -> delegate.putIfAbsent(key, data));
  }

  @Override
  public void delete(String key) {
    call(
        () -> {
          delegate.delete(key);
          return null;
        });
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    return call(() -> delegate.list(prefix));
  }

  @Override
  public String describe() {
    return "hanging(" + delegate.describe() + ")";
  }

  @Override
  public void close() {
    delegate.close();
  }
}
