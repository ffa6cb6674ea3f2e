package dev.shoal.engine.query;

/**
 * How a query ran.
 *
 * @param manifestVersion the version it read
 * @param segmentsSearched distinct segments it searched (a hybrid query's sub-queries searching the
 *     same segment count it once)
 * @param exhaustiveDocs documents it scored or read one by one instead of through an index: the WAL
 *     tail, vectors scored exactly (small segments' flat indexes, {@code kNN}, the exact fallback
 *     of filtered ANN) and the allowed documents of attribute ordering; each segment and the tail
 *     count once per query, by the sub-query that scanned most of it
 * @param cache {@code hot} (everything in memory), {@code warm} (some reads from the disk cache) or
 *     {@code cold} (some reads from object storage)
 * @param serverMs time spent in the engine
 */
public record QueryPerformance(
    long manifestVersion,
    int segmentsSearched,
    long exhaustiveDocs,
    String cache,
    double serverMs) {}
