package dev.shoal.engine.namespace;

import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.model.NamespacePath;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * This process's view of one namespace: the newest manifest it knows, and the queue that serializes
 * its commits.
 *
 * <p>Commits of one namespace never run concurrently inside one process: tasks queue here and one
 * drain at a time runs them on the commit executor, taking everything queued so far, so that writes
 * arriving during a commit are grouped into the next one. Other processes are handled by the
 * manifest compare-and-swap, not by this queue.
 *
 * <p>Thread-safe: {@code lock} guards {@code queue} and {@code draining}; {@code known} is replaced
 * atomically and only moves to newer versions.
 */
final class NamespaceHandle {

  /** A manifest and when (engine clock, ms) it was last confirmed to be the newest version. */
  record Known(Manifest manifest, long confirmedAtMillis) {}

  private final NamespacePath path;
  private final Object lock = new Object();
  private final ArrayDeque<CommitTask> queue = new ArrayDeque<>();
  private boolean draining;
  private final AtomicReference<Known> known = new AtomicReference<>();
  private final AtomicReference<Manifest> pendingHead = new AtomicReference<>();

  /** Serializes head writes with the head delete of a namespace delete. */
  final Object headLock = new Object();

  NamespaceHandle(NamespacePath path) {
    this.path = path;
  }

  NamespacePath path() {
    return path;
  }

  Known known() {
    return known.get();
  }

  /** Records a manifest seen at {@code nowMillis}, unless a newer one is already known. */
  void observe(Manifest manifest, long nowMillis) {
    known.accumulateAndGet(
        new Known(manifest, nowMillis),
        (old, fresh) -> {
          if (old == null || fresh.manifest().version() > old.manifest().version()) {
            return fresh;
          }
          if (fresh.manifest().version() == old.manifest().version()) {
            return new Known(old.manifest(), Math.max(old.confirmedAtMillis(), nowMillis));
          }
          return old;
        });
  }

  /** Forgets what is known (after an error that may mean the cache is wrong). */
  void forget() {
    known.set(null);
  }

  /**
   * Queues a task and makes sure a drain is running.
   *
   * @param runner processes one batch of tasks; it must complete every task's future
   */
  void submit(CommitTask task, Executor executor, Consumer<List<CommitTask>> runner) {
    boolean start;
    synchronized (lock) {
      queue.add(task);
      start = !draining;
      draining = true;
    }
    if (start) {
      try {
        executor.execute(() -> drain(runner));
      } catch (RuntimeException e) {
        synchronized (lock) {
          draining = false;
          queue.remove(task);
        }
        throw e;
      }
    }
  }

  private void drain(Consumer<List<CommitTask>> runner) {
    while (true) {
      List<CommitTask> batch;
      synchronized (lock) {
        if (queue.isEmpty()) {
          draining = false;
          return;
        }
        batch = new ArrayList<>(queue);
        queue.clear();
      }
      try {
        runner.accept(batch);
      } catch (Throwable t) {
        for (CommitTask task : batch) {
          task.future().completeExceptionally(t);
        }
      }
    }
  }

  /**
   * Offers a manifest for the head object.
   *
   * @return true if the caller should schedule a head write (none was pending)
   */
  boolean offerHead(Manifest manifest) {
    Manifest previous =
        pendingHead.getAndAccumulate(
            manifest, (old, fresh) -> old == null || fresh.version() > old.version() ? fresh : old);
    return previous == null;
  }

  /** Takes the newest manifest offered for the head, clearing it. */
  Manifest takeHead() {
    return pendingHead.getAndSet(null);
  }
}
