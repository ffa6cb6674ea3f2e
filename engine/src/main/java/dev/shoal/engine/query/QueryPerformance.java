package dev.shoal.engine.query;

/**
 * How a query ran.
 *
 * @param manifestVersion the version it read
 * @param segmentsSearched indexed segments it searched
 * @param exhaustiveDocs documents it scanned without an index (the WAL tail, small segments)
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
