package dev.shoal.engine;

/**
 * What a compaction did (the seed's fields, plus detail).
 *
 * @param performed whether anything was compacted
 * @param liveDocuments live documents in the namespace after it
 * @param segmentBytes bytes of the segments it wrote
 * @param removedObjects objects it deleted (garbage past the retention period)
 * @param version the manifest version after it
 * @param walBatchesFolded WAL batches folded into a new segment
 * @param segmentsMerged segments merged into a larger one
 * @param segmentsWritten segments written
 * @param durationMs how long it took
 * @param reason why nothing was done, or null
 */
public record CompactionReport(
    boolean performed,
    long liveDocuments,
    long segmentBytes,
    int removedObjects,
    long version,
    int walBatchesFolded,
    int segmentsMerged,
    int segmentsWritten,
    long durationMs,
    String reason) {

  public static CompactionReport skipped(long liveDocuments, long version, String reason) {
    return new CompactionReport(false, liveDocuments, 0, 0, version, 0, 0, 0, 0, reason);
  }
}
