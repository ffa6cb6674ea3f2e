package dev.shoal.flink.testing;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Passes events through and fails the job once, at the first event after checkpoint {@code 2} has
 * completed: everything up to that checkpoint is committed, the rest is replayed.
 */
public final class FailOnceAfterCheckpoint
    implements MapFunction<Changes.Event, Changes.Event>, CheckpointListener {
  private static final long serialVersionUID = 1L;
  public static final AtomicBoolean FAILED = new AtomicBoolean();

  private volatile boolean checkpointCompleted;

  @Override
  public Changes.Event map(Changes.Event event) {
    if (checkpointCompleted && FAILED.compareAndSet(false, true)) {
      throw new IllegalStateException("Injected failure after a completed checkpoint");
    }
    return event;
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    if (checkpointId >= 1) {
      checkpointCompleted = true;
    }
  }
}
