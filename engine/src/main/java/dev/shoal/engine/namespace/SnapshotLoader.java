package dev.shoal.engine.namespace;

import dev.shoal.engine.cache.MemoryCache;
import dev.shoal.engine.cache.ObjectCache;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.SegmentRef;
import dev.shoal.engine.manifest.WalRef;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.segment.Segment;
import dev.shoal.engine.wal.WalBatch;
import dev.shoal.engine.wal.WalRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Builds {@link NamespaceSnapshot}s from manifests, through the cache tiers.
 *
 * <p>Decoded WAL batches are cached by object key (they are immutable), so are the live sets of
 * segments (which depend only on the newer segments), and the newest snapshot of each namespace,
 * which holds its decoded segments and is weighed with them; a new version reuses the segments of
 * the previous one: a version that only appended WAL batches is built from the previous snapshot
 * plus the new batches. One build per namespace runs at a time (a per-namespace monitor), so a
 * burst of queries after a commit builds the new snapshot once.
 *
 * <p>Thread-safe.
 */
public final class SnapshotLoader {
  private record SnapshotKey(NamespacePath namespace) {}

  private record LiveKey(String segment, List<String> newer) {}

  private record LiveBits(long[] bits, int count) implements MemoryCache.Weighted {
    @Override
    public long weightBytes() {
      return 8L * bits.length + 64;
    }
  }

  private final ObjectCache objects;
  private final MemoryCache cache;
  private final Executor io;
  private final Map<NamespacePath, Object> buildLocks = new ConcurrentHashMap<>();
  // Pinned namespaces and the object keys pinned for each.
  private final Map<NamespacePath, java.util.Set<String>> pinned = new ConcurrentHashMap<>();

  /**
   * @param io runs object loads in parallel, so that a cold snapshot costs one round of reads
   *     however many segments and batches it has
   */
  public SnapshotLoader(ObjectCache objects, MemoryCache cache, Executor io) {
    this.objects = objects;
    this.cache = cache;
    this.io = io;
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
        if (pinned.containsKey(ns)) {
          pinObjects(ns, built);
        }
      }
      return built;
    }
  }

  /**
   * Keeps a namespace's snapshot and objects in memory, now and after each new version, until
   * {@link #unpin}.
   */
  public void pin(NamespacePath ns, Manifest manifest) {
    pinned.putIfAbsent(ns, java.util.Set.of());
    NamespaceSnapshot s = load(ns, manifest);
    synchronized (buildLocks.computeIfAbsent(ns, k -> new Object())) {
      pinObjects(ns, s);
    }
  }

  public void unpin(NamespacePath ns) {
    java.util.Set<String> keys = pinned.remove(ns);
    if (keys != null) {
      objects.unpin(keys);
      NamespaceSnapshot s = cache.getIfPresent(new SnapshotKey(ns));
      cache.unpin(new SnapshotKey(ns));
      if (s != null) {
        cache.put(new SnapshotKey(ns), s);
      }
    }
  }

  public boolean isPinned(NamespacePath ns) {
    return pinned.containsKey(ns);
  }

  private void pinObjects(NamespacePath ns, NamespaceSnapshot s) {
    java.util.Set<String> keys = new java.util.HashSet<>(s.manifest().liveObjectKeys());
    List<String> wal = new ArrayList<>();
    s.manifest().wal().forEach(w -> wal.add(w.key()));
    objects.pin(wal);
    cache.pin(new SnapshotKey(ns), s);
    java.util.Set<String> old = pinned.put(ns, keys);
    if (old != null) {
      java.util.Set<String> stale = new java.util.HashSet<>(old);
      stale.removeAll(keys);
      objects.unpin(stale);
    }
  }

  /**
   * Caches, for a new branch, the snapshot of its first version made from the source's cached
   * snapshot when both hold the same WAL batches and segments: the same documents, so the branch
   * needs no build (which would fold the whole WAL tail again, or read every object in a cold
   * engine). Does nothing when the source's cached snapshot is of other objects.
   *
   * @return whether the branch's snapshot is now cached
   */
  public boolean adopt(NamespacePath branch, Manifest manifest, NamespacePath source) {
    NamespaceSnapshot from = cache.getIfPresent(new SnapshotKey(source));
    if (from == null
        || !from.manifest().wal().equals(manifest.wal())
        || !from.manifest().segments().equals(manifest.segments())) {
      return false;
    }
    synchronized (buildLocks.computeIfAbsent(branch, k -> new Object())) {
      NamespaceSnapshot cached = cache.getIfPresent(new SnapshotKey(branch));
      if (cached == null || cached.version() < manifest.version()) {
        cache.put(new SnapshotKey(branch), from.withManifest(manifest));
      }
    }
    return true;
  }

  /** The cached newest snapshot of a namespace, if any. */
  public NamespaceSnapshot cached(NamespacePath ns) {
    return cache.getIfPresent(new SnapshotKey(ns));
  }

  /** Drops the cached snapshot (the namespace was deleted). */
  public void invalidate(NamespacePath ns) {
    cache.invalidate(new SnapshotKey(ns));
  }

  /** A decoded WAL batch. */
  public WalBatch batch(String key) {
    return objects.walBatch(key);
  }

  /**
   * Loads, in parallel, the segments of a manifest not in {@code segments} yet (adding them) and
   * its WAL batches from {@code walFrom} not in memory yet.
   */
  private void prefetch(Manifest manifest, int walFrom, Map<String, Segment> segments) {
    List<CompletableFuture<Integer>> loads = new ArrayList<>();
    for (SegmentRef ref : manifest.segments()) {
      if (!segments.containsKey(ref.key())) {
        loads.add(
            CompletableFuture.supplyAsync(
                () ->
                    ObjectCache.trackTier(
                        () -> {
                          Segment s = objects.segment(ref.key());
                          synchronized (segments) {
                            segments.put(ref.key(), s);
                          }
                        }),
                io));
      }
    }
    for (int i = walFrom; i < manifest.wal().size(); i++) {
      String key = manifest.wal().get(i).key();
      if (!objects.inMemory("wal", key)) {
        loads.add(
            CompletableFuture.supplyAsync(
                () -> ObjectCache.trackTier(() -> objects.walBatch(key)), io));
      }
    }
    if (!loads.isEmpty()) {
      try {
        for (CompletableFuture<Integer> load : loads) {
          ObjectCache.carryTier(load.join());
        }
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw e;
      }
    }
  }

  private NamespaceSnapshot build(Manifest manifest, NamespaceSnapshot previous) {
    boolean sameSegments =
        previous != null && previous.manifest().segments().equals(manifest.segments());
    List<NamespaceSnapshot.SegmentView> views;
    if (sameSegments && extendsWal(manifest, previous)) {
      views = new ArrayList<>(previous.segments());
      prefetch(manifest, previous.walBatchesFolded(), new HashMap<>(segmentsOf(previous)));
    } else {
      // Segments the previous version already decoded are reused (they are immutable).
      Map<String, Segment> segments = segmentsOf(previous);
      previous = null;
      prefetch(manifest, 0, segments);
      views = baseViews(manifest.segments(), segments);
    }
    Map<String, TailEntry> tail;
    int start;
    long weight;
    if (previous != null) {
      tail = new HashMap<>(previous.tail());
      start = previous.walBatchesFolded();
      weight = previous.tailWeightBytes();
    } else {
      tail = new HashMap<>();
      start = 0;
      weight = 256;
    }
    List<WalRef> wal = manifest.wal();
    List<String> touched = new ArrayList<>();
    for (int i = start; i < wal.size(); i++) {
      WalRef ref = wal.get(i);
      WalBatch batch = batch(ref.key());
      long seq = ref.firstSeq();
      for (WalRecord record : batch.records()) {
        weight += apply(tail, views, record, seq++);
        touched.add(record.id());
      }
    }
    shadow(views, touched);
    return new NamespaceSnapshot(manifest, views, tail, wal.size(), weight);
  }

  private static Map<String, Segment> segmentsOf(NamespaceSnapshot snapshot) {
    Map<String, Segment> out = new HashMap<>();
    if (snapshot != null) {
      for (NamespaceSnapshot.SegmentView v : snapshot.segments()) {
        out.put(v.segment().key(), v.segment());
      }
    }
    return out;
  }

  /** Segment views with the live sets that newer segments leave (cached per segment set). */
  private List<NamespaceSnapshot.SegmentView> baseViews(
      List<SegmentRef> refs, Map<String, Segment> loaded) {
    List<NamespaceSnapshot.SegmentView> views = new ArrayList<>(refs.size());
    List<Segment> segments = new ArrayList<>(refs.size());
    for (SegmentRef ref : refs) {
      segments.add(loaded.get(ref.key()));
    }
    for (int i = 0; i < refs.size(); i++) {
      Segment s = segments.get(i);
      List<String> newer = new ArrayList<>();
      for (int j = i + 1; j < refs.size(); j++) {
        newer.add(refs.get(j).key());
      }
      List<Segment> newerSegments = segments.subList(i + 1, segments.size());
      LiveBits live =
          cache.get(new LiveKey(s.key(), newer), k -> liveAgainstNewer(s, newerSegments));
      views.add(new NamespaceSnapshot.SegmentView(s, live.bits(), live.count()));
    }
    return views;
  }

  private static LiveBits liveAgainstNewer(Segment s, List<Segment> newerSegments) {
    int n = s.size();
    long[] bits = new long[(n + 63) / 64];
    int count = 0;
    for (int ord = 0; ord < n; ord++) {
      if (!s.isTombstone(ord)) {
        bits[ord >>> 6] |= 1L << (ord & 63);
        count++;
      }
    }
    for (Segment newer : newerSegments) {
      // Both are sorted by id: a merge join finds the shadowed ordinals.
      int a = 0;
      int b = 0;
      while (a < n && b < newer.size()) {
        int c = s.id(a).compareTo(newer.id(b));
        if (c == 0) {
          if ((bits[a >>> 6] & (1L << (a & 63))) != 0) {
            bits[a >>> 6] &= ~(1L << (a & 63));
            count--;
          }
          a++;
          b++;
        } else if (c < 0) {
          a++;
        } else {
          b++;
        }
      }
    }
    return new LiveBits(bits, count);
  }

  /** Hides segment entries whose ids the tail changed (copy-on-write of the live sets). */
  private static void shadow(List<NamespaceSnapshot.SegmentView> views, List<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    for (int i = 0; i < views.size(); i++) {
      NamespaceSnapshot.SegmentView v = views.get(i);
      long[] bits = null;
      int count = v.liveCount();
      for (String id : ids) {
        int ord = v.segment().ordinalOf(id);
        if (ord < 0) {
          continue;
        }
        long[] current = bits == null ? v.live() : bits;
        if ((current[ord >>> 6] & (1L << (ord & 63))) != 0) {
          if (bits == null) {
            bits = v.live().clone();
          }
          bits[ord >>> 6] &= ~(1L << (ord & 63));
          count--;
        }
      }
      if (bits != null) {
        views.set(i, new NamespaceSnapshot.SegmentView(v.segment(), bits, count));
      }
    }
  }

  /** Whether {@code manifest} is {@code previous} plus appended WAL batches. */
  private static boolean extendsWal(Manifest manifest, NamespaceSnapshot previous) {
    Manifest old = previous.manifest();
    if (old.version() > manifest.version() || old.wal().size() > manifest.wal().size()) {
      return false;
    }
    for (int i = 0; i < old.wal().size(); i++) {
      if (!old.wal().get(i).equals(manifest.wal().get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Applies one record to the tail; returns the change in estimated weight. */
  private static long apply(
      Map<String, TailEntry> tail,
      List<NamespaceSnapshot.SegmentView> views,
      WalRecord record,
      long seq) {
    TailEntry before = tail.get(record.id());
    Document after;
    if (record instanceof WalRecord.Upsert u) {
      after = u.document();
    } else if (record instanceof WalRecord.Patch p) {
      Document base = before != null ? before.document() : fromSegments(views, record.id());
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

  private static Document fromSegments(List<NamespaceSnapshot.SegmentView> views, String id) {
    for (int i = views.size() - 1; i >= 0; i--) {
      Segment s = views.get(i).segment();
      int ord = s.ordinalOf(id);
      if (ord >= 0) {
        return s.document(ord);
      }
    }
    return null;
  }
}
