package dev.shoal.engine.namespace;

import dev.shoal.engine.CommitFailedException;
import dev.shoal.engine.CommitStateUnknownException;
import dev.shoal.engine.CompactionReport;
import dev.shoal.engine.Consistency;
import dev.shoal.engine.EngineConfig;
import dev.shoal.engine.NamespaceNotFoundException;
import dev.shoal.engine.ShoalException;
import dev.shoal.engine.gc.Reclaimer;
import dev.shoal.engine.index.text.TextAnalyzer;
import dev.shoal.engine.index.text.TextAnalyzerOptions;
import dev.shoal.engine.manifest.GarbageList;
import dev.shoal.engine.manifest.GarbageRef;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.manifest.NamespaceLayout;
import dev.shoal.engine.manifest.SegmentRef;
import dev.shoal.engine.manifest.WalRef;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.segment.Segment;
import dev.shoal.engine.segment.SegmentEntry;
import dev.shoal.engine.segment.SegmentWriter;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.wal.WalBatch;
import dev.shoal.engine.wal.WalRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background compaction: folds WAL batches into indexed segments and merges segments in tiers.
 *
 * <h2>Policy</h2>
 *
 * Once a namespace has {@code walCompactThreshold} WAL batches, they are folded into one level-0
 * segment. Once the newest run of segments of one level is longer than {@code
 * segmentCompactThreshold}, the run is merged into one segment a level up. Each document is thus
 * rewritten once per level, and levels grow geometrically, so the work stays proportional to new
 * data. A forced compaction folds and merges everything into one segment.
 *
 * <h2>Concurrency</h2>
 *
 * Writers are never blocked: the compactor reads one version, builds segments, and commits with a
 * rebase onto whatever version is newest then, keeping every batch appended meanwhile. The commit
 * checks that the folded batches and merged segments are still there, so two compactors (say, after
 * a lease expired) cannot fold the same data twice. A lease keeps it to one at a time.
 *
 * <p>Thread-safe.
 */
public final class Compactor {
  private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

  /** Thrown inside a commit when the base no longer holds what was compacted. */
  private static final class Superseded extends ShoalException {
    private static final long serialVersionUID = 1L;

    Superseded(String message) {
      super(dev.shoal.engine.ErrorKind.UNAVAILABLE, message);
    }
  }

  private final ObjectStore store;
  private final NamespaceService namespaces;
  private final SnapshotLoader snapshots;
  private final Reclaimer reclaimer;
  private final EngineConfig config;
  private final Clock clock;
  private final CompactionLease lease;
  private final String owner = UUID.randomUUID().toString();

  public Compactor(
      ObjectStore store,
      NamespaceService namespaces,
      SnapshotLoader snapshots,
      Reclaimer reclaimer,
      EngineConfig config,
      Clock clock) {
    this.store = store;
    this.namespaces = namespaces;
    this.snapshots = snapshots;
    this.reclaimer = reclaimer;
    this.config = config;
    this.clock = clock;
    this.lease = new CompactionLease(store, clock, Duration.ofMinutes(15));
  }

  /** Whether a manifest is due for compaction under the thresholds. */
  public boolean due(Manifest m) {
    return plan(m, false) != null;
  }

  /** The plan of one compaction. */
  private record Plan(
      int foldWal, // number of WAL batches to fold (a prefix)
      int mergeFrom, // first segment of the run to merge, or -1
      int mergeTo, // exclusive end of the run
      boolean full) {}

  /**
   * Compacts a namespace if due (or always, with {@code force}).
   *
   * @param waitForLease how long to wait for another compactor of the namespace to finish
   * @throws NamespaceNotFoundException if the namespace does not exist
   */
  public CompactionReport compact(NamespacePath ns, boolean force, Duration waitForLease) {
    long started = clock.millis();
    Manifest m = namespaces.current(ns, Consistency.STRONG);
    Plan plan = plan(m, force);
    if (plan == null) {
      return CompactionReport.skipped(
          snapshots.load(ns, m).liveCount(), m.version(), "below the compaction thresholds");
    }
    CompactionLease.Held held = lease.tryAcquire(ns, owner);
    long deadline = System.nanoTime() + waitForLease.toNanos();
    while (held == null && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      held = lease.tryAcquire(ns, owner);
    }
    if (held == null) {
      return CompactionReport.skipped(
          snapshots.load(ns, m).liveCount(), m.version(), "another compactor holds the lease");
    }
    List<String> written = new ArrayList<>();
    long startedWriting = clock.millis();
    try {
      m = namespaces.current(ns, Consistency.STRONG);
      plan = plan(m, force);
      if (plan == null) {
        return CompactionReport.skipped(
            snapshots.load(ns, m).liveCount(), m.version(), "below the compaction thresholds");
      }
      NamespaceSnapshot snapshot = snapshots.load(ns, m);
      List<SegmentRef> newRefs = new ArrayList<>();
      long segmentBytes = 0;
      SegmentRef merged = null;
      SegmentRef folded = null;
      if (plan.full()) {
        List<SegmentEntry> entries = new ArrayList<>();
        snapshot.forEachLive(
            d -> entries.add(new SegmentEntry(d.id(), seqOf(snapshot, d.id()), d)));
        int level = 0;
        for (SegmentRef s : m.segments()) {
          level = Math.max(level, s.level() + 1);
        }
        if (!entries.isEmpty()) {
          merged = writeSegment(ns, SegmentWriter.sorted(entries), level, m, written);
          segmentBytes += merged.bytes();
          newRefs.add(merged);
        }
      } else {
        if (plan.mergeFrom() >= 0) {
          merged =
              writeSegment(ns, merge(snapshot, plan), mergeLevel(m.segments(), plan), m, written);
          segmentBytes += merged.bytes();
          newRefs.add(merged);
        }
        if (plan.foldWal() > 0) {
          folded = writeSegment(ns, fold(m, plan.foldWal(), snapshot), 0, m, written);
          segmentBytes += folded.bytes();
          newRefs.add(folded);
        }
      }
      // Many dropped keys go into one list object, so manifests stay small (see GarbageList).
      List<String> dropped = dropped(m, plan);
      String list = null;
      if (dropped.size() > GarbageList.INLINE_MAX) {
        list = GarbageList.write(store, ns, dropped);
        written.add(list);
      }
      Manifest compacted = m;
      Plan p = plan;
      // Folding every WAL batch of m puts all of m's documents into the segments: count them now,
      // so that describing the namespace needs no load (a merge alone keeps the count).
      Long segmentLiveDocs =
          plan.full() || plan.foldWal() > 0 ? Long.valueOf(snapshot.liveCount()) : null;
      SegmentRef mergedRef = merged;
      SegmentRef foldedRef = folded;
      String droppedList = list;
      List<GarbageRef> expired = new ArrayList<>();
      Manifest committed;
      try {
        committed =
            namespaces.commit(
                ns,
                new CommitTask.ManifestUpdate<Manifest>() {
                  @Override
                  public Manifest apply(Manifest base, long nextVersion) {
                    expired.clear();
                    if (!written.isEmpty()) {
                      namespaces.requireYoung(
                          "compact " + ns,
                          NamespaceLayout.kindOf(written.get(0)) + " " + written.get(0),
                          startedWriting,
                          "retry, or raise EngineConfig.sweepGracePeriod above twice the time a"
                              + " compaction of this namespace takes",
                          true);
                    }
                    return rebase(
                        base,
                        nextVersion,
                        compacted,
                        p,
                        mergedRef,
                        foldedRef,
                        droppedList,
                        segmentLiveDocs,
                        expired);
                  }

                  @Override
                  public Manifest result(Manifest manifest) {
                    return manifest;
                  }
                });
      } catch (CommitStateUnknownException e) {
        // The manifest may reference the new segments (and its garbage the folded batches):
        // delete nothing unless the version proves it did not land.
        ManifestStore.Resolution r = namespaces.resolve(ns, e);
        if (r.outcome() == ManifestStore.Outcome.NOT_COMMITTED) {
          throw new CommitFailedException(
              "Cannot compact "
                  + ns
                  + ": another commit took manifest version "
                  + e.version()
                  + " while the answer to ours was lost; nothing was changed, retry",
              e);
        }
        if (r.outcome() == ManifestStore.Outcome.UNKNOWN) {
          LOG.warn(
              "Cannot tell whether the compaction of {} committed version {}; leaving its {} new"
                  + " objects for repair",
              ns,
              e.version(),
              written.size());
          written.clear();
          throw e;
        }
        committed = r.manifest();
      }
      written.clear(); // committed: the segments are referenced now
      int removed = release(ns, expired, committed);
      long live = snapshots.load(ns, committed).liveCount();
      int mergedCount =
          plan.full() ? m.segments().size() : Math.max(0, plan.mergeTo() - plan.mergeFrom());
      return new CompactionReport(
          true,
          live,
          segmentBytes,
          removed,
          committed.version(),
          plan.full() ? m.wal().size() : plan.foldWal(),
          mergedCount,
          newRefs.size(),
          clock.millis() - started,
          null);
    } catch (Superseded e) {
      Manifest now = namespaces.current(ns, Consistency.STRONG);
      return CompactionReport.skipped(
          snapshots.load(ns, now).liveCount(), now.version(), e.getMessage());
    } finally {
      for (String key : written) {
        try {
          store.delete(key); // never committed
        } catch (RuntimeException e) {
          LOG.debug("Cannot delete uncommitted segment {} (repair will): {}", key, e.toString());
        }
      }
      lease.release(held);
    }
  }

  private Plan plan(Manifest m, boolean force) {
    if (force && (!m.wal().isEmpty() || m.segments().size() > 1)) {
      return new Plan(m.wal().size(), -1, -1, true);
    }
    int[] run = mergeRun(m.segments());
    int fold = m.wal().size() >= config.walCompactThreshold() ? m.wal().size() : 0;
    if (run == null && fold == 0) {
      // Nothing to compact, but garbage past the retention period can still be collected.
      return hasExpiredGarbage(m) ? new Plan(0, -1, -1, false) : null;
    }
    return new Plan(fold, run == null ? -1 : run[0], run == null ? -1 : run[1], false);
  }

  private boolean hasExpiredGarbage(Manifest m) {
    long cutoff = clock.millis() - config.manifestRetention().toMillis();
    for (GarbageRef g : m.garbage()) {
      if (g.droppedAtMillis() <= cutoff) {
        return true;
      }
    }
    return false;
  }

  /** The newest run of one level longer than the threshold, as {@code [from, to)}, or null. */
  private int[] mergeRun(List<SegmentRef> segments) {
    int end = segments.size();
    while (end > 0) {
      int level = segments.get(end - 1).level();
      int start = end - 1;
      while (start > 0 && segments.get(start - 1).level() == level) {
        start--;
      }
      if (end - start > config.segmentCompactThreshold()) {
        return new int[] {start, end};
      }
      end = start;
    }
    return null;
  }

  private static int mergeLevel(List<SegmentRef> segments, Plan plan) {
    int level = 0;
    for (int i = plan.mergeFrom(); i < plan.mergeTo(); i++) {
      level = Math.max(level, segments.get(i).level() + 1);
    }
    return level;
  }

  private static long seqOf(NamespaceSnapshot snapshot, String id) {
    TailEntry t = snapshot.tail().get(id);
    if (t != null) {
      return t.seq();
    }
    List<NamespaceSnapshot.SegmentView> views = snapshot.segments();
    for (int i = views.size() - 1; i >= 0; i--) {
      Segment s = views.get(i).segment();
      int ord = s.ordinalOf(id);
      if (ord >= 0) {
        return s.seq(ord);
      }
    }
    return 0;
  }

  /** The newest state of each id in the first {@code count} WAL batches. */
  private List<SegmentEntry> fold(Manifest m, int count, NamespaceSnapshot snapshot) {
    Map<String, SegmentEntry> state = new HashMap<>();
    List<NamespaceSnapshot.SegmentView> segments = snapshot.segments();
    for (int i = 0; i < count; i++) {
      WalRef ref = m.wal().get(i);
      WalBatch batch = snapshots.batch(ref.key());
      long seq = ref.firstSeq();
      for (WalRecord r : batch.records()) {
        Document after;
        if (r instanceof WalRecord.Upsert u) {
          after = u.document();
        } else if (r instanceof WalRecord.Patch p) {
          SegmentEntry before = state.get(r.id());
          Document base = before != null ? before.document() : inSegments(segments, r.id());
          after = base == null ? null : p.patch().applyTo(base);
          if (base == null && before == null) {
            seq++;
            continue; // patch of a missing document: nothing to record
          }
        } else {
          after = null;
        }
        state.put(r.id(), new SegmentEntry(r.id(), seq++, after));
      }
    }
    List<SegmentEntry> out = new ArrayList<>(state.size());
    for (SegmentEntry e : state.values()) {
      // A tombstone matters only if an older segment holds the id.
      if (!e.tombstone() || inAnySegment(segments, e.id())) {
        out.add(e);
      }
    }
    return SegmentWriter.sorted(out);
  }

  private static Document inSegments(List<NamespaceSnapshot.SegmentView> segments, String id) {
    for (int i = segments.size() - 1; i >= 0; i--) {
      Segment s = segments.get(i).segment();
      int ord = s.ordinalOf(id);
      if (ord >= 0) {
        return s.document(ord);
      }
    }
    return null;
  }

  private static boolean inAnySegment(List<NamespaceSnapshot.SegmentView> segments, String id) {
    for (NamespaceSnapshot.SegmentView v : segments) {
      if (v.segment().ordinalOf(id) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** Merges a run of the snapshot's segments; the newest entry per id wins. */
  private static List<SegmentEntry> merge(NamespaceSnapshot snapshot, Plan plan) {
    List<NamespaceSnapshot.SegmentView> views = snapshot.segments();
    List<Segment> run = new ArrayList<>();
    List<List<SegmentEntry>> runEntries = new ArrayList<>();
    for (int i = plan.mergeFrom(); i < plan.mergeTo(); i++) {
      Segment s = views.get(i).segment();
      run.add(s);
      runEntries.add(s.entries());
    }
    List<Segment> older = new ArrayList<>();
    for (int i = 0; i < plan.mergeFrom(); i++) {
      older.add(views.get(i).segment());
    }
    // k-way merge by id; on equal ids the newest segment (highest index) wins.
    record Cursor(int segment, int ord) {}
    PriorityQueue<Cursor> heap =
        new PriorityQueue<>(
            (a, b) -> {
              int c = run.get(a.segment()).id(a.ord()).compareTo(run.get(b.segment()).id(b.ord()));
              return c != 0 ? c : Integer.compare(b.segment(), a.segment());
            });
    for (int s = 0; s < run.size(); s++) {
      if (run.get(s).size() > 0) {
        heap.add(new Cursor(s, 0));
      }
    }
    List<SegmentEntry> out = new ArrayList<>();
    String last = null;
    while (!heap.isEmpty()) {
      Cursor c = heap.poll();
      Segment s = run.get(c.segment());
      String id = s.id(c.ord());
      if (!id.equals(last)) {
        last = id;
        boolean keep = !s.isTombstone(c.ord());
        if (!keep) {
          for (Segment o : older) {
            if (o.ordinalOf(id) >= 0) {
              keep = true;
              break;
            }
          }
        }
        if (keep) {
          out.add(runEntries.get(c.segment()).get(c.ord()));
        }
      }
      if (c.ord() + 1 < s.size()) {
        heap.add(new Cursor(c.segment(), c.ord() + 1));
      }
    }
    return out;
  }

  private SegmentRef writeSegment(
      NamespacePath ns, List<SegmentEntry> entries, int level, Manifest m, List<String> written) {
    SegmentWriter.Written w =
        SegmentWriter.write(
            entries,
            m.distanceMetric(),
            TextAnalyzer.of(TextAnalyzerOptions.fromMap(m.textAnalyzer())));
    String key = NamespaceLayout.newSegmentKey(ns);
    written.add(key);
    store.put(key, w.bytes());
    return new SegmentRef(
        key,
        level,
        w.minSeq(),
        w.maxSeq(),
        w.liveDocs(),
        w.tombstones(),
        w.bytes().length,
        w.sections(),
        clock.millis());
  }

  /** What a compaction under {@code plan} drops from {@code m}: folded batches, merged segments. */
  private static List<String> dropped(Manifest m, Plan plan) {
    List<String> out = new ArrayList<>();
    int fold = plan.full() ? m.wal().size() : plan.foldWal();
    m.wal().subList(0, fold).forEach(w -> out.add(w.key()));
    if (plan.full()) {
      m.segments().forEach(seg -> out.add(seg.key()));
    } else if (plan.mergeFrom() >= 0) {
      m.segments().subList(plan.mergeFrom(), plan.mergeTo()).forEach(seg -> out.add(seg.key()));
    }
    return out;
  }

  /**
   * Releases a namespace's garbage past the retention period without compacting it: commits a
   * version without those entries (a deleted namespace's tombstone stays a tombstone), then deletes
   * what no other namespace references. Runs without the lease: an entry leaves the manifest in
   * exactly one commit (each commit rebases on the newest version), whose committer alone releases
   * it, so a concurrent compaction or garbage pass cannot release it twice.
   *
   * <p>The engine schedules this once the retention period of a namespace's oldest garbage has
   * passed, and repair runs it for every namespace it visits, so that an idle namespace does not
   * keep its garbage for ever.
   *
   * @return the newest version afterwards, or null if the namespace never existed
   * @throws CommitStateUnknownException if the commit's outcome is unknown (nothing is released)
   */
  public Manifest collectGarbage(NamespacePath ns) {
    List<GarbageRef> expired = new ArrayList<>();
    Manifest newest;
    try {
      newest =
          namespaces.commit(
              ns,
              new CommitTask.ManifestUpdate<Manifest>() {
                @Override
                public Manifest apply(Manifest base, long nextVersion) {
                  expired.clear();
                  if (base == null) {
                    return null;
                  }
                  List<GarbageRef> kept = splitExpired(base.garbage(), expired);
                  if (expired.isEmpty()) {
                    return null;
                  }
                  return base.withGarbage(
                      nextVersion, NamespaceService.newCommitId(), clock.millis(), kept);
                }

                @Override
                public Manifest result(Manifest manifest) {
                  return manifest;
                }
              });
    } catch (CommitStateUnknownException e) {
      ManifestStore.Resolution r = namespaces.resolve(ns, e);
      if (r.outcome() == ManifestStore.Outcome.UNKNOWN) {
        throw e;
      }
      if (r.outcome() == ManifestStore.Outcome.NOT_COMMITTED) {
        return null; // the entries are still listed; a later pass releases them
      }
      newest = r.manifest();
    }
    if (!expired.isEmpty()) {
      int deleted = release(ns, expired, newest);
      LOG.debug("Released {} objects of {}'s expired garbage", deleted, ns);
    }
    return newest;
  }

  /** Moves the entries of {@code garbage} past the retention period to {@code expired}. */
  private List<GarbageRef> splitExpired(List<GarbageRef> garbage, List<GarbageRef> expired) {
    long cutoff = clock.millis() - config.manifestRetention().toMillis();
    List<GarbageRef> kept = new ArrayList<>();
    for (GarbageRef g : garbage) {
      if (g.droppedAtMillis() <= cutoff) {
        expired.add(g);
      } else {
        kept.add(g);
      }
    }
    return kept;
  }

  /**
   * Releases garbage past retention: the objects first, then the lists that named them, so a crash
   * in between leaves only unreferenced objects for repair. An object {@code committed} references
   * (a namespace created again on a name whose garbage it carries may share it again) is kept.
   * Returns the objects deleted.
   */
  private int release(NamespacePath ns, List<GarbageRef> expired, Manifest committed) {
    Set<String> objects = new LinkedHashSet<>();
    List<String> lists = new ArrayList<>();
    for (GarbageRef g : expired) {
      if (NamespaceLayout.isGarbageList(g.key())) {
        List<String> keys = GarbageList.keysOf(store, g);
        objects.addAll(keys.subList(0, keys.size() - 1));
        lists.add(g.key());
      } else {
        objects.add(g.key());
      }
    }
    if (committed != null) {
      objects.removeAll(committed.liveObjectKeys());
    }
    return reclaimer.release(ns, objects) + reclaimer.release(ns, lists);
  }

  /**
   * The compacted manifest on top of the newest version: the folded batches (a prefix of the WAL)
   * and the merged run are replaced, everything newer is kept, dropped objects become garbage and
   * garbage past the retention period is handed back for deletion.
   */
  private Manifest rebase(
      Manifest base,
      long nextVersion,
      Manifest compacted,
      Plan plan,
      SegmentRef merged,
      SegmentRef folded,
      String droppedList,
      Long segmentLiveDocs,
      List<GarbageRef> expired) {
    if (base == null || base.deleted()) {
      throw new Superseded("the namespace was deleted or recreated during compaction");
    }
    List<String> dropped = new ArrayList<>();
    List<WalRef> wal = new ArrayList<>(base.wal());
    int fold = plan.full() ? compacted.wal().size() : plan.foldWal();
    for (int i = 0; i < fold; i++) {
      if (wal.isEmpty() || !wal.get(0).key().equals(compacted.wal().get(i).key())) {
        throw new Superseded("the WAL batches were compacted by someone else");
      }
      dropped.add(wal.remove(0).key());
    }
    List<SegmentRef> segments = new ArrayList<>(base.segments());
    if (plan.full()) {
      if (!segments.equals(compacted.segments())) {
        throw new Superseded("the segments changed during compaction");
      }
      segments.forEach(s -> dropped.add(s.key()));
      segments = merged == null ? new ArrayList<>() : new ArrayList<>(List.of(merged));
    } else {
      if (merged != null) {
        List<SegmentRef> run = compacted.segments().subList(plan.mergeFrom(), plan.mergeTo());
        int at = segments.indexOf(run.get(0));
        if (at < 0
            || at + run.size() > segments.size()
            || !segments.subList(at, at + run.size()).equals(run)) {
          throw new Superseded("the segments changed during compaction");
        }
        run.forEach(s -> dropped.add(s.key()));
        segments.subList(at, at + run.size()).clear();
        segments.add(at, merged);
      }
      if (folded != null) {
        segments.add(folded);
      }
    }
    long now = clock.millis();
    List<GarbageRef> garbage = splitExpired(base.garbage(), expired);
    if (droppedList != null) {
      garbage.add(new GarbageRef(droppedList, now));
    } else {
      for (String key : dropped) {
        garbage.add(new GarbageRef(key, now));
      }
    }
    return base.toBuilder()
        .version(nextVersion)
        .commitId(NamespaceService.newCommitId())
        .updatedAtMillis(now)
        .wal(wal)
        .segments(segments)
        .garbage(garbage)
        .segmentLiveDocs(segmentLiveDocs != null ? segmentLiveDocs : base.segmentLiveDocs())
        .build();
  }
}
