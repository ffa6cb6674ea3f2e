package dev.shoal.kafka.metrics;

/**
 * The JMX view of one sink task, registered as {@code
 * dev.shoal.kafka:type=sink-task-metrics,connector=<name>,task=<id>}. Counters are totals since the
 * task started.
 */
public interface SinkTaskMetricsMBean {
  /** Documents upserted or patched, as committed to namespaces. */
  long getRecordsWritten();

  /** Documents deleted, as committed. */
  long getRecordsDeleted();

  /**
   * Records not applied because they were already in the namespace: at or below the partition's
   * stored position after a restart, rebalance or lost offset commit, or a whole batch the engine
   * reported as deduplicated.
   */
  long getRecordsDeduplicated();

  /** Records Shoal rejected (sent to the error reporter, or fatal without one). */
  long getRecordsRejected();

  /** Records skipped on purpose (tombstones that cannot or must not delete, Debezium truncates). */
  long getRecordsSkipped();

  /** Records folded into a later operation on the same id within one write. */
  long getRecordsFolded();

  /**
   * Writes committed: one per batch, except that batches queued behind a lane's write in flight go
   * out merged into one.
   */
  long getBatches();

  /** Write attempts that failed with a transient error and were retried. */
  long getRetries();

  /** Writes refused because another task instance claimed the partition (zombie fencing). */
  long getFencedWrites();

  /** Mean time from a batch's submission to its durable commit, in milliseconds. */
  double getFlushLatencyAvgMs();

  /** Longest such time, in milliseconds. */
  double getFlushLatencyMaxMs();

  /** Estimated bytes of records buffered or in flight. */
  long getBufferedBytes();

  /** Records buffered or in flight. */
  long getBufferedRecords();

  /** Partitions paused for back-pressure right now. */
  int getPausedPartitions();
}
