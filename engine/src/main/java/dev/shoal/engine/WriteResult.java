package dev.shoal.engine;

/**
 * The outcome of a write.
 *
 * @param version the manifest version that holds it (for a deduplicated write: the version that
 *     first held it, or the current one for a writer position at or below the stored one)
 * @param firstSeq sequence number of its first record (0 if it had none)
 * @param lastSeq sequence number of its last record (0 if it had none)
 * @param records how many records it applied (0 when deduplicated by a writer position)
 * @param deduplicated whether this write had already been applied and nothing was written now
 */
public record WriteResult(
    long version, long firstSeq, long lastSeq, long records, boolean deduplicated) {}
