package dev.shoal.flink.internal;

import dev.shoal.engine.CommitStateUnknownException;
import dev.shoal.engine.ShoalException;
import dev.shoal.engine.storage.StorageException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a store operation on transient faults with exponential back-off and jitter. Flink's
 * committer retry loop calls again at once, and a failed writer restarts the job, so the sink backs
 * off itself before giving up.
 *
 * <p>Only calls that are safe to repeat go through here: staging (a retry writes a new object),
 * writes of keyed upserts, patches and deletes (the same result when applied twice) and commits
 * carrying a writer position (deduplicated when already applied, even after an unknown outcome).
 *
 * <p>Thread-safe; the sleeper is injected so tests run without waiting.
 */
public final class Retrier {
  private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

  /** Waits between attempts. */
  @FunctionalInterface
  public interface Sleeper {
    Sleeper THREAD_SLEEP = Thread::sleep;

    void sleep(long millis) throws InterruptedException;
  }

  private final int maxRetries;
  private final long initialMillis;
  private final long maxMillis;
  private final Sleeper sleeper;

  public Retrier(int maxRetries, Duration initial, Duration max, Sleeper sleeper) {
    this.maxRetries = maxRetries;
    this.initialMillis = Math.max(1, initial.toMillis());
    this.maxMillis = Math.max(initialMillis, max.toMillis());
    this.sleeper = sleeper;
  }

  /** Whether a failure may go away when the same call is repeated. */
  public static boolean isTransient(Throwable t) {
    if (t instanceof CommitStateUnknownException) {
      return true; // only retried with a writer position or idempotent changes (see above)
    }
    if (t instanceof StorageException se) {
      return se.isTransient();
    }
    return t instanceof ShoalException se && se.isRetriable();
  }

  /**
   * Runs {@code call}, repeating it after transient failures.
   *
   * @param what describes the call for logs ("stage 1000 records for acme/search/docs")
   * @throws InterruptedException if interrupted while backing off
   */
  public <R> R call(String what, Supplier<R> call) throws InterruptedException {
    for (int attempt = 0; ; attempt++) {
      try {
        return call.get();
      } catch (RuntimeException e) {
        if (!isTransient(e) || attempt >= maxRetries) {
          throw e;
        }
        long delay = backoffMillis(attempt);
        LOG.warn(
            "Cannot {} (attempt {} of {}), retrying in {} ms: {}",
            what,
            attempt + 1,
            maxRetries + 1,
            delay,
            e.toString());
        sleeper.sleep(delay);
      }
    }
  }

  /** Full jitter over an exponentially growing ceiling. */
  long backoffMillis(int attempt) {
    long ceiling = initialMillis << Math.min(attempt, 20);
    ceiling = Math.min(ceiling <= 0 ? maxMillis : ceiling, maxMillis);
    return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
  }

  public int maxRetries() {
    return maxRetries;
  }
}
