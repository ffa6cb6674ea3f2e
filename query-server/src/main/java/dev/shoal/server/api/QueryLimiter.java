package dev.shoal.server.api;

import java.util.concurrent.Semaphore;

/**
 * Bounds the queries running at once. A query over the bound is refused at once (429 with {@code
 * Retry-After}) rather than queued: queued queries would hold request threads and memory and answer
 * late anyway, which is how a server collapses under overload. Thread-safe.
 */
public final class QueryLimiter {
  private final int max;
  private final Semaphore permits;

  public QueryLimiter(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("Cannot limit queries to " + max + ": must be positive");
    }
    this.max = max;
    this.permits = new Semaphore(max);
  }

  /** Takes a slot if one is free; a caller that gets true must {@link #release()}. */
  public boolean tryAcquire() {
    return permits.tryAcquire();
  }

  public void release() {
    permits.release();
  }

  public int max() {
    return max;
  }

  public int running() {
    return max - permits.availablePermits();
  }
}
