package dev.shoal.kafka.it;

import dev.shoal.engine.Engine;
import dev.shoal.engine.EngineConfig;
import dev.shoal.engine.storage.ObjectStores;
import dev.shoal.kafka.ShoalSinkConfig;
import dev.shoal.kafka.ShoalSinkConnector;
import dev.shoal.kafka.ShoalSinkTask;
import dev.shoal.kafka.internal.SharedEngines;
import dev.shoal.kafka.testing.HangingStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.connector.Task;

/**
 * The Shoal sink with one engine per task instance over a {@link HangingStore}, instead of the
 * worker's {@link SharedEngines} engine, recording which worker runs each instance. Embedded
 * Connect runs every worker in this JVM with the plugin on one class path, so {@link SharedEngines}
 * (a static map keyed by store settings) would give all workers one engine, and a task has no
 * worker identity to key it by; with an engine per task, tasks on different workers are as separate
 * as in separate worker processes, and a test can make one worker's store hang.
 */
public class IsolatedEnginesSinkConnector extends ShoalSinkConnector {
  /** A store opened for a task instance, in the order they started. */
  static final class Opened {
    final String connector;
    final String task;
    final String worker;
    final HangingStore store;
    volatile boolean stopped;

    Opened(String connector, String task, String worker, HangingStore store) {
      this.connector = connector;
      this.task = task;
      this.worker = worker;
      this.store = store;
    }
  }

  static final List<Opened> OPENED = new CopyOnWriteArrayList<>();

  @Override
  public Class<? extends Task> taskClass() {
    return IsolatedEngineTask.class;
  }

  /** The task instances of {@code connector} started and not stopped, in the order they started. */
  static List<Opened> running(String connector) {
    return OPENED.stream().filter(o -> o.connector.equals(connector) && !o.stopped).toList();
  }

  /** Lets every store opened so far through again. */
  static void releaseAll() {
    OPENED.forEach(o -> o.store.release());
  }

  /**
   * The worker ({@code host:port} of its REST listener) that is creating a task on this thread, or
   * the thread's name if it does not tell. Workers create tasks on threads named after their client
   * id, {@code connect-<host:port>} (Kafka's {@code DistributedHerder}): task configurations are
   * the same on every worker, so the thread is the only trace of where a task instance runs.
   */
  static String creatingWorker() {
    String thread = Thread.currentThread().getName();
    int from = thread.indexOf("connect-");
    int to = thread.lastIndexOf('-');
    if (from < 0 || to <= from + "connect-".length()) {
      return thread;
    }
    return thread.substring(from + "connect-".length(), to);
  }

  /** A sink task on its own engine. */
  public static class IsolatedEngineTask extends ShoalSinkTask {
    // Set by the engine factory in start(); the factory is built before this object exists.
    private final AtomicReference<Opened> opened;

    public IsolatedEngineTask() {
      this(creatingWorker(), new AtomicReference<>());
    }

    private IsolatedEngineTask(String worker, AtomicReference<Opened> opened) {
      super(config -> openEngine(config, worker, opened));
      this.opened = opened;
    }

    @Override
    public void stop() {
      Opened o = opened.get();
      if (o != null) {
        o.stopped = true;
      }
      super.stop();
    }
  }

  private static Engine openEngine(
      ShoalSinkConfig config, String worker, AtomicReference<Opened> out) {
    HangingStore store = new HangingStore(ObjectStores.open(config.storeUri()));
    Opened o = new Opened(config.connectorName(), config.taskId(), worker, store);
    out.set(o);
    OPENED.add(o);
    return Engine.builder()
        .ownedStore(store)
        .config(
            EngineConfig.builder()
                .memoryCacheBytes(64L << 20)
                .autoCompact(config.compactionEnabled())
                .build())
        .build();
  }
}
