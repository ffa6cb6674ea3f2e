/**
 * The write path of a sink task: {@link dev.shoal.kafka.write.SinkWriter} (start here) keeps one
 * lane per partition and namespace, batches and folds operations per id (merging batches that queue
 * behind a lane's write in flight into its next write), claims writers and commits offsets as
 * writer positions (exactly once), flushes in parallel across lanes, retries transient errors,
 * applies back-pressure, and computes the offsets {@code preCommit} reports.
 */
package dev.shoal.kafka.write;
