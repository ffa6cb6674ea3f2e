package dev.shoal.engine.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.function.Function;

/**
 * The memory tier: decoded immutable objects (WAL batches, segments) and namespace snapshots, in
 * one Caffeine cache bounded by an estimate of their heap bytes. Entries of pinned namespaces are
 * held beside it and never evicted.
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
  // Entries of pinned namespaces, held outside the evicting cache.
  private final java.util.Map<Object, Weighted> pinned =
      new java.util.concurrent.ConcurrentHashMap<>();

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
    Weighted p = pinned.get(key);
    return p != null ? (T) p : (T) cache.get(key, loader);
  }

  @SuppressWarnings("unchecked")
  public <T extends Weighted> T getIfPresent(Object key) {
    Weighted p = pinned.get(key);
    return p != null ? (T) p : (T) cache.getIfPresent(key);
  }

  /**
   * Keeps an entry regardless of eviction pressure until {@link #unpin}. It leaves the evicting
   * cache, so that it no longer takes a share of the budget.
   */
  public void pin(Object key, Weighted value) {
    pinned.put(key, value);
    cache.invalidate(key);
  }

  public void unpin(Object key) {
    Weighted v = pinned.remove(key);
    if (v != null) {
      cache.put(key, v);
    }
  }

  /** Bytes held by pinned entries (outside the budget). */
  public long pinnedBytes() {
    long n = 0;
    for (Weighted w : pinned.values()) {
      n += w.weightBytes();
    }
    return n;
  }

  public void put(Object key, Weighted value) {
    if (pinned.containsKey(key)) {
      pinned.put(key, value);
    } else {
      cache.put(key, value);
    }
  }

  public void invalidate(Object key) {
    pinned.remove(key);
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
