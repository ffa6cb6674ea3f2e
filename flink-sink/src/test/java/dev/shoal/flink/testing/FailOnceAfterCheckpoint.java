package dev.shoal.flink.testing;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Passes events through unchanged and injects exactly one failure per JVM: the first {@link #map}
 * call on any subtask after that subtask was notified of a completed checkpoint (any id, so
 * normally checkpoint 1) throws an {@link IllegalStateException} ("Injected failure after a
 * completed checkpoint"). The job then restarts from that checkpoint, so the sink has committed
 * everything before it and replays the rest.
 *
 * <p>{@link #FAILED} is static and records that the failure happened; reset it before each job.
 * Once it is set, no subtask fails again, also after the restart.
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
