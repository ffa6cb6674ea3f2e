package dev.shoal.kafka.write;

import java.util.function.LongSupplier;

/**
 * Exponential back-off with jitter for transient store errors: the n-th wait is drawn uniformly
 * between half and all of {@code base * 2^(n-1)}, capped at {@link #MAX_WAIT_MS}; retrying stops
 * after {@code maxRetries} retries or once the next wait would end more than {@code budgetMs} after
 * the start (the first failure of a background write, or the start of a blocking task-thread call).
 * Immutable and thread-safe.
 */
record RetryPolicy(int maxRetries, long baseMs, long budgetMs, LongSupplier random) {
  static final long MAX_WAIT_MS = 30_000;

  /** The wait before retry number {@code retry} (1 for the first retry). */
  long delayMs(int retry) {
    long exp = baseMs << Math.min(retry - 1, 30);
    if (exp <= 0 || exp > MAX_WAIT_MS) {
      exp = MAX_WAIT_MS;
    }
    long half = exp / 2;
    return half + Math.floorMod(random.getAsLong(), exp - half + 1);
  }

  /**
   * Whether retry number {@code retry} may happen after {@code delayMs}, given {@code elapsedMs}
   * since the first failure.
   */
  boolean allows(int retry, long elapsedMs, long delayMs) {
    return retry <= maxRetries && elapsedMs + delayMs <= budgetMs;
  }
}
