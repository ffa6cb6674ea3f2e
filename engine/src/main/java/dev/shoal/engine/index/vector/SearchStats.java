package dev.shoal.engine.index.vector;

/**
 * What one search did, for query performance reports and tests.
 *
 * @param exact whether the search scored every allowed vector exactly (flat index, exact search or
 *     the small-filter fallback)
 * @param clustersProbed cluster blocks scanned
 * @param codesScanned quantized codes compared with the query
 * @param vectorsScoredExactly full-precision vectors scored
 * @param readRounds sequential rounds of reads issued to the {@code RangeReader} by this search (0
 *     for a loaded index)
 * @param bytesRead bytes those reads returned
 */
public record SearchStats(
    boolean exact,
    int clustersProbed,
    int codesScanned,
    int vectorsScoredExactly,
    int readRounds,
    long bytesRead) {}
