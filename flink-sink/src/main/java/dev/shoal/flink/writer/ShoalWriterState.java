package dev.shoal.flink.writer;

import static java.util.Objects.requireNonNull;

/**
 * What a writer subtask keeps in a checkpoint. Its buffers are always empty at a checkpoint (they
 * are staged, or written and acknowledged, before the barrier), so the state only records which
 * writer took the checkpoint and when; a restored writer logs where its state came from, which
 * shows how subtasks were redistributed after a rescale.
 *
 * @param writerId the writer id of the subtask that took the checkpoint
 * @param checkpointId the checkpoint
 */
public record ShoalWriterState(String writerId, long checkpointId) {
  public ShoalWriterState {
    requireNonNull(writerId, "writerId is null");
  }
}
