package dev.shoal.engine.cache;

import dev.shoal.engine.segment.Segment;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.wal.WalBatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * Reads immutable objects through the cache tiers: decoded in memory, raw on the local disk, then
 * the object store. Counts hits, misses and bytes fetched per tier.
 *
 * <p>Thread-safe. Concurrent loads of one object are coalesced by the memory tier.
 */
public final class ObjectCache {
  private record Decoded<T>(T value, long weightBytes) implements MemoryCache.Weighted {}

  private record Key(String kind, String objectKey) {}

  private final ObjectStore store;
  private final MemoryCache memory;
  private final DiskCache disk;
  private final AtomicLong memoryHits = new AtomicLong();
  private final AtomicLong memoryMisses = new AtomicLong();
  private final AtomicLong diskHits = new AtomicLong();
  private final AtomicLong diskMisses = new AtomicLong();
  private final AtomicLong storeGets = new AtomicLong();
  private final AtomicLong storeBytes = new AtomicLong();
  // The slowest tier the current thread's reads reached since resetTier (0 memory, 1 disk, 2
  // store).
  private static final ThreadLocal<int[]> TIER = ThreadLocal.withInitial(() -> new int[1]);

  /**
   * @param disk the disk tier, or null for none
   */
  public ObjectCache(ObjectStore store, MemoryCache memory, DiskCache disk) {
    this.store = store;
    this.memory = memory;
    this.disk = disk;
  }

  public WalBatch walBatch(String key) {
    return load("wal", key, ObjectCache::decodeWal).value();
  }

  public Segment segment(String key) {
    return load("segment", key, this::decodeSegment).value();
  }

  private static Decoded<WalBatch> decodeWal(String key, byte[] bytes) {
    return new Decoded<>(WalBatch.decode(key, bytes), 2L * bytes.length + 64);
  }

  private Decoded<Segment> decodeSegment(String key, byte[] bytes) {
    Segment s = Segment.decode(key, bytes, this::range);
    return new Decoded<>(s, s.weightBytes());
  }

  private <T> Decoded<T> load(
      String kind, String key, BiFunction<String, byte[], Decoded<T>> decode) {
    Key cacheKey = new Key(kind, key);
    Decoded<T> hit = memory.getIfPresent(cacheKey);
    if (hit != null) {
      memoryHits.incrementAndGet();
      return hit;
    }
    memoryMisses.incrementAndGet();
    return memory.get(cacheKey, k -> decode.apply(key, raw(key)));
  }

  /**
   * Keeps decoded objects in memory regardless of eviction (pinned namespaces): the WAL batches of
   * these keys, loaded now if needed, and these already decoded segments.
   *
   * <p>What is pinned is the value in hand, never a second lookup: an entry the evicting cache
   * dropped meanwhile (under pressure, or at once when it weighs more than the budget) is pinned
   * all the same.
   */
  public void pin(Iterable<String> walKeys, Iterable<Segment> segments) {
    for (String k : walKeys) {
      memory.pin(new Key("wal", k), load("wal", k, ObjectCache::decodeWal));
    }
    for (Segment s : segments) {
      memory.pin(new Key("segment", s.key()), new Decoded<>(s, s.weightBytes()));
    }
  }

  /** Lets these objects be evicted again. */
  public void unpin(Iterable<String> keys) {
    for (String k : keys) {
      memory.unpin(new Key("wal", k));
      memory.unpin(new Key("segment", k));
    }
  }

  /** Whether a decoded object is in memory now. */
  public boolean inMemory(String kind, String key) {
    return memory.getIfPresent(new Key(kind, key)) != null;
  }

  /** Starts tracking which tier this thread's reads reach (see {@link #temperature()}). */
  public static void resetTier() {
    TIER.get()[0] = 0;
  }

  /**
   * The cache temperature of this thread's reads since {@link #resetTier()}: {@code hot} (all in
   * memory), {@code warm} (some from the disk cache) or {@code cold} (some from the store).
   */
  public static String temperature() {
    return switch (TIER.get()[0]) {
      case 0 -> "hot";
      case 1 -> "warm";
      default -> "cold";
    };
  }

  private static void reached(int tier) {
    int[] t = TIER.get();
    t[0] = Math.max(t[0], tier);
  }

  /** Raw bytes of an immutable object, from the disk tier or the store (filling the disk tier). */
  public byte[] raw(String key) {
    if (disk != null) {
      byte[] cached = disk.get(key);
      if (cached != null) {
        diskHits.incrementAndGet();
        reached(1);
        return cached;
      }
      diskMisses.incrementAndGet();
    }
    reached(2);
    byte[] bytes = store.get(key);
    storeGets.incrementAndGet();
    storeBytes.addAndGet(bytes.length);
    if (disk != null) {
      disk.put(key, bytes);
    }
    return bytes;
  }

  /** A byte range of an immutable object, from the disk tier or the store. */
  public byte[] range(String key, long offset, int length) {
    if (disk != null) {
      byte[] cached = disk.getRange(key, offset, length);
      if (cached != null) {
        diskHits.incrementAndGet();
        reached(1);
        return cached;
      }
    }
    reached(2);
    byte[] bytes = store.getRange(key, offset, length);
    storeGets.incrementAndGet();
    storeBytes.addAndGet(bytes.length);
    return bytes;
  }

  /** Forgets an object everywhere (it was deleted). */
  public void invalidate(String key) {
    memory.invalidate(new Key("wal", key));
    memory.invalidate(new Key("segment", key));
    if (disk != null) {
      disk.invalidate(key);
    }
  }

  public DiskCache disk() {
    return disk;
  }

  public MemoryCache memory() {
    return memory;
  }

  /** Counters since start. */
  public CacheStats stats() {
    var m = memory.stats();
    return new CacheStats(
        memoryHits.get(),
        memoryMisses.get(),
        m.evictionCount(),
        memory.weightedBytes(),
        memory.budgetBytes(),
        diskHits.get(),
        diskMisses.get(),
        disk == null ? 0 : disk.evictions(),
        disk == null ? 0 : disk.usedBytes(),
        disk == null ? 0 : disk.budgetBytes(),
        storeGets.get(),
        storeBytes.get());
  }
}
