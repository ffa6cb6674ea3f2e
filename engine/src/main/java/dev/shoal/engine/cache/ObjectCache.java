package dev.shoal.engine.cache;

import dev.shoal.engine.internal.Checksums;
import dev.shoal.engine.segment.Segment;
import dev.shoal.engine.storage.CorruptObjectException;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.wal.WalBatch;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads immutable objects through the cache tiers: decoded in memory, raw on the local disk, then
 * the object store. Counts hits, misses and bytes fetched per tier. A disk copy that does not
 * decode (or, for {@link #raw}, fails its checksum) is dropped and read from the store again: the
 * disk tier can cost a read, never a failure.
 *
 * <p>Thread-safe. Concurrent loads of one object share one fetch.
 */
public final class ObjectCache {
  private static final Logger LOG = LoggerFactory.getLogger(ObjectCache.class);

  private record Decoded<T>(T value, long weightBytes) implements MemoryCache.Weighted {}

  private record Key(String kind, String objectKey) {}

  private final ObjectStore store;
  private final MemoryCache memory;
  private final Map<Key, CompletableFuture<Decoded<?>>> loading = new ConcurrentHashMap<>();
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

  /** A decoded WAL batch, cached in memory by key. */
  public WalBatch walBatch(String key) {
    return load("wal", key, true, ObjectCache::decodeWal).value();
  }

  private static Decoded<WalBatch> decodeWal(String key, byte[] bytes) {
    return new Decoded<>(WalBatch.decode(key, bytes), 2L * bytes.length + 64);
  }

  /**
   * A decoded segment, from the disk tier or the store. Not kept in memory here: the namespace
   * snapshots that use a segment hold it (and are weighed with it), so its memory is accounted
   * exactly once per snapshot and released with the last one.
   */
  public Segment segment(String key) {
    return load(
            "segment",
            key,
            false,
            (k, bytes) -> {
              Segment s = Segment.decode(k, bytes);
              return new Decoded<>(s, s.weightBytes());
            })
        .value();
  }

  @SuppressWarnings("unchecked")
  private <T> Decoded<T> load(
      String kind, String key, boolean keep, BiFunction<String, byte[], Decoded<T>> decode) {
    Key cacheKey = new Key(kind, key);
    if (keep) {
      Decoded<T> hit = memory.getIfPresent(cacheKey);
      if (hit != null) {
        memoryHits.incrementAndGet();
        return hit;
      }
    }
    memoryMisses.incrementAndGet();
    // Load outside the cache's own lock (a long load inside a Caffeine computation blocks other
    // keys hashed nearby); concurrent loads of one key still share a single fetch.
    CompletableFuture<Decoded<?>> mine = new CompletableFuture<>();
    CompletableFuture<Decoded<?>> inFlight = loading.putIfAbsent(cacheKey, mine);
    if (inFlight != null) {
      try {
        return (Decoded<T>) inFlight.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : e;
      }
    }
    try {
      Fetched fetched = fetch(key);
      Decoded<T> loaded;
      try {
        loaded = decode.apply(key, fetched.bytes());
      } catch (CorruptObjectException e) {
        if (!fetched.fromDisk()) {
          throw e;
        }
        // A torn or damaged cache file, or bytes a faulty fetch left there: the store has them.
        LOG.warn(
            "Disk cache copy of {} does not decode ({}); reading the store", key, e.toString());
        disk.invalidate(key);
        loaded = decode.apply(key, fromStore(key));
      }
      if (keep) {
        memory.put(cacheKey, loaded);
      }
      mine.complete(loaded);
      return loaded;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      loading.remove(cacheKey, mine);
    }
  }

  /**
   * Keeps the decoded WAL batches of these keys in memory regardless of eviction (pinned
   * namespaces; their segments are held by their pinned snapshot); keys not loaded yet are loaded
   * now.
   */
  public void pin(Iterable<String> walKeys) {
    for (String k : walKeys) {
      // Pin the value in hand: the evicting cache may already have dropped it again.
      memory.pin(new Key("wal", k), load("wal", k, true, ObjectCache::decodeWal));
    }
  }

  /** Lets these objects be evicted again. */
  public void unpin(Iterable<String> keys) {
    for (String k : keys) {
      memory.unpin(new Key("wal", k));
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

  /**
   * Runs a load on another thread and carries the tier it reached back to the calling thread's
   * temperature (call {@link #carryTier} with the result on the caller).
   */
  public static int trackTier(Runnable load) {
    resetTier();
    load.run();
    return TIER.get()[0];
  }

  /** Merges a tier reached on another thread into this thread's temperature. */
  public static void carryTier(int tier) {
    reached(tier);
  }

  private static void reached(int tier) {
    int[] t = TIER.get();
    t[0] = Math.max(t[0], tier);
  }

  /**
   * Raw bytes of an immutable binary object (a WAL batch or a segment), from the disk tier or the
   * store (filling the disk tier). A disk copy whose footer checksum does not match is replaced by
   * the store's bytes, so that a damaged cache file never reaches a caller that does not decode.
   */
  public byte[] raw(String key) {
    Fetched fetched = fetch(key);
    if (fetched.fromDisk() && !Checksums.footerIntact(fetched.bytes())) {
      LOG.warn("Disk cache copy of {} fails its checksum; reading the store", key);
      disk.invalidate(key);
      return fromStore(key);
    }
    return fetched.bytes();
  }

  /** Bytes, and whether they came from the disk tier (which may be damaged) or the store. */
  private record Fetched(byte[] bytes, boolean fromDisk) {}

  private Fetched fetch(String key) {
    if (disk != null) {
      byte[] cached = disk.get(key);
      if (cached != null) {
        diskHits.incrementAndGet();
        reached(1);
        return new Fetched(cached, true);
      }
      diskMisses.incrementAndGet();
    }
    return new Fetched(fromStore(key), false);
  }

  private byte[] fromStore(String key) {
    reached(2);
    byte[] bytes = store.get(key);
    storeGets.incrementAndGet();
    storeBytes.addAndGet(bytes.length);
    if (disk != null) {
      disk.put(key, bytes);
    }
    return bytes;
  }

  /** Forgets an object everywhere (it was deleted). */
  public void invalidate(String key) {
    memory.invalidate(new Key("wal", key));
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
