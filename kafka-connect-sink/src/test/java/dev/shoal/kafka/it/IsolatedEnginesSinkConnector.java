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
import org.apache.kafka.connect.connector.Task;

/**
 * The Shoal sink with one engine per task instance over a {@link HangingStore}, instead of the
 * worker's {@link SharedEngines} engine. Embedded Connect runs every worker in this JVM with the
 * plugin on one class path, so {@link SharedEngines} (a static map keyed by store settings) would
 * give all workers one engine, and a task has no worker identity to key it by; with an engine per
 * task, tasks on different workers are as separate as in separate worker processes, and a test can
 * make one worker's store hang.
 */
public class IsolatedEnginesSinkConnector extends ShoalSinkConnector {
  /** A store opened for a task instance, in the order they started. */
  record Opened(String connector, String task, HangingStore store) {}

  static final List<Opened> OPENED = new CopyOnWriteArrayList<>();

  @Override
  public Class<? extends Task> taskClass() {
    return IsolatedEngineTask.class;
  }

  /** The latest store opened by task {@code task} of {@code connector}. */
  static HangingStore latestStore(String connector, String task) {
    HangingStore latest = null;
    for (Opened o : OPENED) {
      if (o.connector().equals(connector) && o.task().equals(task)) {
        latest = o.store();
      }
    }
    if (latest == null) {
      throw new IllegalStateException("Task " + task + " of " + connector + " never started");
    }
    return latest;
  }

  /** Lets every store opened so far through again. */
  static void releaseAll() {
    OPENED.forEach(o -> o.store().release());
  }

  static Engine open(ShoalSinkConfig config) {
    HangingStore store = new HangingStore(ObjectStores.open(config.storeUri()));
    OPENED.add(new Opened(config.connectorName(), config.taskId(), store));
    return Engine.builder()
        .ownedStore(store)
        .config(
            EngineConfig.builder()
                .memoryCacheBytes(64L << 20)
                .autoCompact(config.compactionEnabled())
                .build())
        .build();
  }

  /** A sink task on its own engine. */
  public static class IsolatedEngineTask extends ShoalSinkTask {
    public IsolatedEngineTask() {
      super(IsolatedEnginesSinkConnector::open);
    }
  }
}
