package dev.shoal.server.api;

/**
 * The answer of {@code POST .../compact} (the seed's {@code CompactionReport}).
 *
 * @param performed whether a compaction ran (false when nothing needed it and it was not forced)
 * @param liveDocuments documents in the namespace afterwards
 * @param segmentBytes bytes of the segments written
 * @param removedObjects objects no longer referenced afterwards
 * @param version the manifest version the compaction committed, or the current one
 */
public record CompactionReport(
    boolean performed, long liveDocuments, long segmentBytes, int removedObjects, long version) {}
