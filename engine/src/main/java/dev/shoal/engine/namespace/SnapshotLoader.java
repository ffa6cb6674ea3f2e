package dev.shoal.engine.namespace;

import dev.shoal.engine.cache.MemoryCache;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.WalRef;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.wal.WalBatch;
import dev.shoal.engine.wal.WalRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds {@link NamespaceSnapshot}s from manifests, through the memory cache.
 *
 * <p>Decoded WAL batches are cached by object key (they are immutable), and the newest snapshot of
 * each namespace is cached too: a version that only appended batches is built from the previous
 * snapshot plus the new batches. One build per namespace runs at a time (a per-namespace monitor),
 * so a burst of queries after a commit builds the new snapshot once.
 *
 * <p>Thread-safe.
 */
public final class SnapshotLoader {
  private record SnapshotKey(NamespacePath namespace) {}

  private record BatchKey(String objectKey) {}

  private record CachedBatch(WalBatch batch, long weightBytes) implements MemoryCache.Weighted {}

  private final ObjectStore store;
  private final MemoryCache cache;
  private final Map<NamespacePath, Object> buildLocks = new ConcurrentHashMap<>();

  public SnapshotLoader(ObjectStore store, MemoryCache cache) {
    this.store = store;
    this.cache = cache;
  }

  /** The snapshot of exactly this manifest version. */
  public NamespaceSnapshot load(NamespacePath ns, Manifest manifest) {
    NamespaceSnapshot cached = cache.getIfPresent(new SnapshotKey(ns));
    if (cached != null && cached.version() == manifest.version()) {
      return cached;
    }
    synchronized (buildLocks.computeIfAbsent(ns, k -> new Object())) {
      cached = cache.getIfPresent(new SnapshotKey(ns));
      if (cached != null && cached.version() == manifest.version()) {
        return cached;
      }
      NamespaceSnapshot built = build(manifest, cached);
      if (cached == null || cached.version() < built.version()) {
        cache.put(new SnapshotKey(ns), built);
      }
      return built;
    }
  }

  /** The cached newest snapshot of a namespace, if any. */
  public NamespaceSnapshot cached(NamespacePath ns) {
    return cache.getIfPresent(new SnapshotKey(ns));
  }

  /** Drops the cached snapshot (the namespace was deleted). */
  public void invalidate(NamespacePath ns) {
    cache.invalidate(new SnapshotKey(ns));
  }

  /** A decoded WAL batch, from the cache or the store. */
  public WalBatch batch(String objectKey) {
    CachedBatch cached =
        cache.get(
            new BatchKey(objectKey),
            k -> {
              byte[] bytes = store.get(objectKey);
              return new CachedBatch(WalBatch.decode(objectKey, bytes), 2L * bytes.length + 64);
            });
    return cached.batch();
  }

  private NamespaceSnapshot build(Manifest manifest, NamespaceSnapshot previous) {
    List<WalRef> wal = manifest.wal();
    Map<String, TailEntry> tail;
    int start;
    long weight;
    if (previous != null && extends_(manifest, previous)) {
      tail = new HashMap<>(previous.tail());
      start = previous.walBatchesFolded();
      weight = previous.weightBytes();
    } else {
      tail = new HashMap<>();
      start = 0;
      weight = 256;
    }
    for (int i = start; i < wal.size(); i++) {
      WalRef ref = wal.get(i);
      WalBatch batch = batch(ref.key());
      long seq = ref.firstSeq();
      for (WalRecord record : batch.records()) {
        weight += apply(tail, record, seq++);
      }
    }
    return new NamespaceSnapshot(manifest, tail, wal.size(), weight);
  }

  /** Whether {@code manifest} is {@code previous} plus appended WAL batches. */
  private static boolean extends_(Manifest manifest, NamespaceSnapshot previous) {
    Manifest old = previous.manifest();
    if (old.version() > manifest.version()
        || !old.segments().equals(manifest.segments())
        || old.wal().size() > manifest.wal().size()) {
      return false;
    }
    for (int i = 0; i < old.wal().size(); i++) {
      if (!old.wal().get(i).equals(manifest.wal().get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Applies one record; returns the change in estimated weight. */
  private static long apply(Map<String, TailEntry> tail, WalRecord record, long seq) {
    TailEntry before = tail.get(record.id());
    Document after;
    if (record instanceof WalRecord.Upsert u) {
      after = u.document();
    } else if (record instanceof WalRecord.Patch p) {
      Document base = before == null ? null : before.document();
      if (base == null) {
        return 0; // patching a missing document changes nothing
      }
      after = p.patch().applyTo(base);
    } else {
      after = null;
    }
    tail.put(record.id(), new TailEntry(seq, after));
    long delta = Weights.of(after) + 48;
    if (before != null) {
      delta -= Weights.of(before.document()) + 48;
    }
    return delta;
  }
}
