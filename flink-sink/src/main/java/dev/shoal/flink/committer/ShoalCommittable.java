package dev.shoal.flink.committer;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.StagedBatch;
import dev.shoal.engine.model.NamespacePath;
import java.util.List;

/**
 * What one writer subtask staged for one namespace before one checkpoint: WAL objects written but
 * not committed, and the writer position that commits them exactly once.
 *
 * <p>It keeps the writer id of the subtask that made it: after a restore at another parallelism a
 * committer may commit committables of subtasks that no longer exist, still under their own writer
 * ids and positions.
 *
 * @param writerId {@code flink/<sinkUid>/<subtask>} of the writer that staged the batches
 * @param namespace where the batches go
 * @param checkpointId the checkpoint the batches belong to (a lower bound when staged at the end of
 *     input); informational
 * @param position the writer position committed with the batches; strictly increasing per writer id
 *     and namespace
 * @param batches staged WAL objects, committed in this order as one manifest version
 */
public record ShoalCommittable(
    String writerId,
    NamespacePath namespace,
    long checkpointId,
    long position,
    List<StagedBatch> batches) {

  public ShoalCommittable {
    requireNonNull(writerId, "writerId is null");
    requireNonNull(namespace, "namespace is null");
    batches = List.copyOf(batches);
    if (batches.isEmpty()) {
      throw new IllegalArgumentException("A committable holds at least one staged batch");
    }
    for (StagedBatch b : batches) {
      if (!b.namespace().equals(namespace)) {
        throw new IllegalArgumentException(
            "Staged batch " + b.key() + " is for " + b.namespace() + ", not " + namespace);
      }
    }
    if (position < 1) {
      throw new IllegalArgumentException("Writer position must be positive: " + position);
    }
  }

  /** How many records the batches hold. */
  public long records() {
    long n = 0;
    for (StagedBatch b : batches) {
      n += b.records();
    }
    return n;
  }

  @Override
  public String toString() {
    return "ShoalCommittable{"
        + writerId
        + " -> "
        + namespace
        + ", checkpoint "
        + checkpointId
        + ", position "
        + position
        + ", "
        + batches.size()
        + " batches, "
        + records()
        + " records}";
  }
}
