package dev.shoal.kafka.write;

import dev.shoal.engine.model.NamespacePath;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * The path of one partition's records into one namespace: an open batch filling up, sealed batches
 * waiting, and at most one batch in flight, so that the partition's writes to the namespace commit
 * in offset order and each carries a higher writer position than the last.
 *
 * <p>Not thread-safe: every field is guarded by the owning {@link SinkWriter}'s lock.
 */
final class Lane {
  final TopicPartition partition;
  final NamespacePath namespace;

  /** The exactly-once writer id, or null in at-least-once mode. */
  final String writerId;

  /** The epoch claimed for {@link #writerId} (0 in at-least-once mode). */
  final long epoch;

  /** Highest offset of this partition known to be applied in the namespace, or -1. */
  long committed;

  /** Highest offset accepted into this lane (buffered or committed), or -1. */
  long accepted;

  Batch open;
  final ArrayDeque<Batch> sealed = new ArrayDeque<>();
  Batch inFlight;
  long inFlightSinceNanos;

  /** Retries of the in-flight batch so far. */
  int retries;

  long firstFailureNanos;
  ScheduledFuture<?> retryTimer;

  /** Retries of the in-flight batch are used up; the task thread reports it and starts again. */
  boolean exhausted;

  /** The engine refused the in-flight batch as invalid; the task thread re-checks its records. */
  boolean revalidate;

  Throwable lastError;

  /** The partition was revoked or fenced: completions only release memory. */
  boolean closed;

  Lane(
      TopicPartition partition,
      NamespacePath namespace,
      String writerId,
      long epoch,
      long committed) {
    this.partition = partition;
    this.namespace = namespace;
    this.writerId = writerId;
    this.epoch = epoch;
    this.committed = committed;
    this.accepted = committed;
  }

  /** The smallest offset buffered or in flight, or -1 if nothing is pending. */
  long firstPendingOffset() {
    if (inFlight != null) {
      return inFlight.firstOffset();
    }
    if (!sealed.isEmpty()) {
      return sealed.peekFirst().firstOffset();
    }
    return open == null ? -1 : open.firstOffset();
  }

  boolean idle() {
    return inFlight == null && sealed.isEmpty() && open == null;
  }

  @Override
  public String toString() {
    return partition + " -> " + namespace;
  }
}
