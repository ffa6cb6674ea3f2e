package dev.shoal.engine.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.function.Function;

/**
 * The memory tier: decoded immutable objects (WAL batches, segments) and namespace snapshots, in
 * one Caffeine cache bounded by an estimate of their heap bytes. Entries whose weigher says 0
 * (pinned namespaces) are never evicted for size.
 *
 * <p>Thread-safe. Loads of one key are coalesced: concurrent callers wait for a single load.
 */
public final class MemoryCache {

  /** A cached value that knows its approximate heap size. */
  public interface Weighted {
    /** Approximate heap bytes, or 0 to exempt the entry from size eviction. */
    long weightBytes();
  }

  private final Cache<Object, Weighted> cache;
  private final long budgetBytes;

  public MemoryCache(long budgetBytes) {
    this.budgetBytes = budgetBytes;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(budgetBytes)
            .weigher((Object k, Weighted v) -> (int) Math.min(Integer.MAX_VALUE, v.weightBytes()))
            .recordStats()
            .build();
  }

  /** Returns the cached value or loads it; exceptions from {@code loader} reach the caller. */
  @SuppressWarnings("unchecked")
  public <T extends Weighted> T get(Object key, Function<Object, T> loader) {
    return (T) cache.get(key, loader);
  }

  @SuppressWarnings("unchecked")
  public <T extends Weighted> T getIfPresent(Object key) {
    return (T) cache.getIfPresent(key);
  }

  public void put(Object key, Weighted value) {
    cache.put(key, value);
  }

  public void invalidate(Object key) {
    cache.invalidate(key);
  }

  public long budgetBytes() {
    return budgetBytes;
  }

  /** Current weighted size in bytes (after pending maintenance). */
  public long weightedBytes() {
    cache.cleanUp();
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }

  public CacheStats stats() {
    return cache.stats();
  }
}
