package dev.shoal.engine.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler that runs nothing by itself: tests run the scheduled tasks when they choose (after
 * moving a {@link MutableClock}), so that delayed work is deterministic and no test sleeps.
 * Periodic scheduling is not supported.
 *
 * <p>Thread-safe.
 */
public final class ManualScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {

  /** A scheduled task and the delay it was scheduled with. */
  private static final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
    private final long delayMillis;

    Task(Callable<V> callable, long delayMillis) {
      super(callable);
      this.delayMillis = delayMillis;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(delayMillis, o.getDelay(TimeUnit.MILLISECONDS));
    }
  }

  private final List<Task<?>> pending = new ArrayList<>();
  private boolean shutdown;

  /** The delays, in milliseconds, of the tasks waiting to run, in the order they were scheduled. */
  public synchronized List<Long> pendingDelaysMillis() {
    List<Long> out = new ArrayList<>();
    for (Task<?> t : pending) {
      out.add(t.delayMillis);
    }
    return out;
  }

  /**
   * Runs the tasks waiting now, whatever their delay, on the calling thread; tasks they schedule
   * wait for the next call.
   *
   * @return how many ran
   */
  public int runPending() {
    List<Task<?>> due;
    synchronized (this) {
      due = new ArrayList<>(pending);
      pending.clear();
    }
    for (Task<?> t : due) {
      t.run();
    }
    return due.size();
  }

  private synchronized <V> ScheduledFuture<V> add(Callable<V> callable, long delay, TimeUnit unit) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("Cannot schedule: shut down");
    }
    Task<V> t = new Task<>(callable, unit.toMillis(delay));
    pending.add(t);
    return t;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return add(Executors.callable(command), delay, unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return add(callable, delay, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException("Cannot schedule periodic tasks on a ManualScheduler");
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("Cannot schedule periodic tasks on a ManualScheduler");
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> out = new ArrayList<>(pending);
    pending.clear();
    return out;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }
}
