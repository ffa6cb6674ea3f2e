package dev.shoal.engine.cache;

/**
 * What the cache tiers did since the engine started.
 *
 * @param memoryHits decoded objects found in memory
 * @param memoryMisses decoded objects not in memory (read from disk or store)
 * @param memoryEvictions entries evicted from memory for size
 * @param memoryBytes estimated bytes in memory now
 * @param memoryBudgetBytes the memory budget
 * @param diskHits raw objects read from the disk cache
 * @param diskMisses raw objects not on disk (read from the store)
 * @param diskEvictions files evicted from the disk cache
 * @param diskBytes bytes on disk now (this process's index)
 * @param diskBudgetBytes the disk budget
 * @param storeGets objects fetched from the object store
 * @param storeBytes bytes fetched from the object store
 */
public record CacheStats(
    long memoryHits,
    long memoryMisses,
    long memoryEvictions,
    long memoryBytes,
    long memoryBudgetBytes,
    long diskHits,
    long diskMisses,
    long diskEvictions,
    long diskBytes,
    long diskBudgetBytes,
    long storeGets,
    long storeBytes) {}
