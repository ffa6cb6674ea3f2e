package dev.shoal.flink;

/**
 * What the sink does with a record it cannot write: the converter threw, the id is missing, the
 * vector has the wrong dimension for its namespace, or the selected namespace is not a valid path.
 */
public enum InvalidRecordPolicy {
  /** Fail the job with a message naming the record (the default). */
  FAIL,
  /** Skip the record, log it, and count it in {@code numRecordsOutErrors}. */
  SKIP
}
