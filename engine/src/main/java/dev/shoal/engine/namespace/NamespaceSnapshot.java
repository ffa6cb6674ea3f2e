package dev.shoal.engine.namespace;

import dev.shoal.engine.cache.MemoryCache;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.segment.Segment;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A namespace as of one manifest version, ready to answer reads: its segments, each with the set of
 * entries still live (not shadowed by a newer segment or the WAL tail), and the WAL tail folded
 * into the newest state per id. Newer always wins: the tail over every segment, a later segment
 * over an earlier one.
 *
 * <p>Immutable and thread-safe; built by {@link SnapshotLoader}, which reuses the decoded segments
 * and the previous snapshot's tail where it can.
 */
public final class NamespaceSnapshot implements MemoryCache.Weighted {

  /**
   * A segment as this snapshot sees it.
   *
   * @param live bit per ordinal: a document that is not a tombstone and not shadowed
   */
  public record SegmentView(Segment segment, long[] live, int liveCount) {
    public boolean isLive(int ord) {
      return (live[ord >>> 6] & (1L << (ord & 63))) != 0;
    }
  }

  private final Manifest manifest;
  private final List<SegmentView> segments;
  private final Map<String, TailEntry> tail;
  private final long liveCount;
  private final long weightBytes;
  private final long tailWeightBytes;
  private final int walBatchesFolded;
  private volatile TailView tailView;

  NamespaceSnapshot(
      Manifest manifest,
      List<SegmentView> segments,
      Map<String, TailEntry> tail,
      int walBatchesFolded,
      long tailWeightBytes) {
    this.manifest = manifest;
    this.segments = List.copyOf(segments);
    this.tail = Collections.unmodifiableMap(tail);
    this.walBatchesFolded = walBatchesFolded;
    this.tailWeightBytes = tailWeightBytes;
    long live = 0;
    for (TailEntry e : tail.values()) {
      if (e.document() != null) {
        live++;
      }
    }
    long weight = tailWeightBytes;
    for (SegmentView s : segments) {
      live += s.liveCount();
      // The snapshot holds its decoded segments: they are weighed here, and only here.
      weight += 8L * s.live().length + 64 + s.segment().weightBytes();
    }
    this.liveCount = live;
    this.weightBytes = weight;
  }

  /**
   * This snapshot's documents under another manifest with the same WAL batches and segments (a
   * branch's first version), sharing every structure.
   */
  NamespaceSnapshot withManifest(Manifest other) {
    return new NamespaceSnapshot(other, this);
  }

  private NamespaceSnapshot(Manifest manifest, NamespaceSnapshot same) {
    this.manifest = manifest;
    this.segments = same.segments;
    this.tail = same.tail;
    this.walBatchesFolded = same.walBatchesFolded;
    this.liveCount = same.liveCount;
    this.weightBytes = same.weightBytes;
    this.tailWeightBytes = same.tailWeightBytes;
    this.tailView = same.tailView;
  }

  public Manifest manifest() {
    return manifest;
  }

  public long version() {
    return manifest.version();
  }

  /** Segments, oldest first. */
  public List<SegmentView> segments() {
    return segments;
  }

  /** The live document with this id, or null. */
  public Document get(String id) {
    TailEntry e = tail.get(id);
    if (e != null) {
      return e.document();
    }
    for (int i = segments.size() - 1; i >= 0; i--) {
      Segment s = segments.get(i).segment();
      int ord = s.ordinalOf(id);
      if (ord >= 0) {
        return s.document(ord); // null for a tombstone
      }
    }
    return null;
  }

  /** Number of live documents. */
  public long liveCount() {
    return liveCount;
  }

  /** Visits every live document, segments first (oldest to newest), then the tail. */
  public void forEachLive(Consumer<Document> action) {
    for (SegmentView v : segments) {
      List<dev.shoal.engine.segment.SegmentEntry> entries = v.segment().entries();
      for (int ord = 0; ord < entries.size(); ord++) {
        if (v.isLive(ord)) {
          action.accept(entries.get(ord).document());
        }
      }
    }
    forEachLiveInTail(action);
  }

  /** Visits the live documents of the WAL tail. */
  public void forEachLiveInTail(Consumer<Document> action) {
    for (TailEntry e : tail.values()) {
      if (e.document() != null) {
        action.accept(e.document());
      }
    }
  }

  /** The live tail documents in id order, with lazily built in-memory indexes. */
  public TailView tailView() {
    TailView v = tailView;
    if (v == null) {
      List<Document> docs = new java.util.ArrayList<>();
      forEachLiveInTail(docs::add);
      docs.sort(java.util.Comparator.comparing(Document::id));
      v = tailView = new TailView(docs);
    }
    return v;
  }

  /** Documents of the WAL tail (scanned without an index). */
  public long exhaustiveDocs() {
    return tail.size();
  }

  Map<String, TailEntry> tail() {
    return tail;
  }

  /** Estimated heap of the tail alone (documents and their map entries). */
  long tailWeightBytes() {
    return tailWeightBytes;
  }

  int walBatchesFolded() {
    return walBatchesFolded;
  }

  @Override
  public long weightBytes() {
    return weightBytes;
  }
}
