package dev.shoal.engine.manifest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shoal.engine.model.DistanceMetric;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * One version of a namespace: everything a reader needs to see it exactly as of one commit. Stored
 * as JSON at {@code manifests/<version>}, created with put-if-absent so that exactly one writer
 * wins each version (see {@link ManifestStore}).
 *
 * @param formatVersion the JSON format; a reader refuses a newer one
 * @param namespace {@code org/project/namespace}
 * @param version this version; the namespace's first manifest is 1
 * @param commitId random id of the commit that created it, to recognise one's own commit after an
 *     ambiguous failure
 * @param deleted whether this version is the tombstone of a deleted namespace
 * @param nextSeq the sequence number the next record will get
 * @param wal unindexed WAL batches, oldest first
 * @param segments indexed segments, oldest first
 * @param writers exactly-once writer states by writer id (in a tombstone, only their epochs)
 * @param idempotency recent idempotency keys and their results, oldest first
 * @param garbage objects dropped from the namespace (in a tombstone, also those the last live
 *     version referenced), deleted after the retention period
 * @param textAnalyzer how text fields are analyzed ({@code stop_words}, {@code stemming}), fixed at
 *     creation; null for the defaults
 * @param segmentLiveDocs live documents in {@code segments} alone (newer segments shadowing older
 *     ones), as the compaction that last folded WAL batches counted them; null if not known (a
 *     manifest written before this field, or by a build that does not keep it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
    @JsonProperty("format_version") int formatVersion,
    @JsonProperty("namespace") String namespace,
    @JsonProperty("version") long version,
    @JsonProperty("commit_id") String commitId,
    @JsonProperty("deleted") boolean deleted,
    @JsonProperty("created_at_ms") long createdAtMillis,
    @JsonProperty("updated_at_ms") long updatedAtMillis,
    @JsonProperty("distance_metric") DistanceMetric distanceMetric,
    @JsonProperty("vector_dim") Integer vectorDim,
    @JsonProperty("labels") Map<String, String> labels,
    @JsonProperty("parent") String parent,
    @JsonProperty("next_seq") long nextSeq,
    @JsonProperty("wal") List<WalRef> wal,
    @JsonProperty("segments") List<SegmentRef> segments,
    @JsonProperty("writers") Map<String, WriterState> writers,
    @JsonProperty("idempotency") List<IdempotencyRecord> idempotency,
    @JsonProperty("garbage") List<GarbageRef> garbage,
    @JsonProperty("text_analyzer") Map<String, Object> textAnalyzer,
    @JsonProperty("segment_live_docs") Long segmentLiveDocs) {

  public static final int FORMAT_VERSION = 1;

  public Manifest {
    requireNonNull(namespace, "namespace is null");
    requireNonNull(commitId, "commitId is null");
    requireNonNull(distanceMetric, "distanceMetric is null");
    labels = Collections.unmodifiableMap(new TreeMap<>(labels == null ? Map.of() : labels));
    wal = wal == null ? List.of() : List.copyOf(wal);
    segments = segments == null ? List.of() : List.copyOf(segments);
    writers = Collections.unmodifiableMap(new TreeMap<>(writers == null ? Map.of() : writers));
    idempotency = idempotency == null ? List.of() : List.copyOf(idempotency);
    garbage = garbage == null ? List.of() : List.copyOf(garbage);
    textAnalyzer =
        textAnalyzer == null || textAnalyzer.isEmpty()
            ? null
            : Collections.unmodifiableMap(new TreeMap<>(textAnalyzer));
    if (segmentLiveDocs != null && segmentLiveDocs < 0) {
      throw new IllegalArgumentException(
          "Invalid manifest for " + namespace + ": segment_live_docs " + segmentLiveDocs);
    }
    if (version < 1 || nextSeq < 1) {
      throw new IllegalArgumentException(
          "Invalid manifest for " + namespace + ": version " + version + ", next_seq " + nextSeq);
    }
  }

  /** The first version of a new namespace, with the default text analyzer. */
  public static Manifest create(
      String namespace,
      long version,
      String commitId,
      long nowMillis,
      DistanceMetric metric,
      Map<String, String> labels) {
    return create(namespace, version, commitId, nowMillis, metric, labels, null);
  }

  /** The first version of a new namespace. */
  public static Manifest create(
      String namespace,
      long version,
      String commitId,
      long nowMillis,
      DistanceMetric metric,
      Map<String, String> labels,
      Map<String, Object> textAnalyzer) {
    return new Manifest(
        FORMAT_VERSION,
        namespace,
        version,
        commitId,
        false,
        nowMillis,
        nowMillis,
        metric,
        null,
        labels,
        null,
        1,
        null,
        null,
        null,
        null,
        null,
        textAnalyzer,
        null);
  }

  /**
   * The first version of a namespace made from this one by a branch or a copy: same data (given as
   * {@code wal} and {@code segments}, which a copy re-keys), settings and labels; no writer
   * positions, idempotency keys or garbage of its own.
   */
  public Manifest derive(
      String targetNamespace,
      long targetVersion,
      String newCommitId,
      long nowMillis,
      String parentNamespace,
      List<WalRef> targetWal,
      List<SegmentRef> targetSegments) {
    return new Manifest(
        FORMAT_VERSION,
        targetNamespace,
        targetVersion,
        newCommitId,
        false,
        nowMillis,
        nowMillis,
        distanceMetric,
        vectorDim,
        labels,
        parentNamespace,
        nextSeq,
        targetWal,
        targetSegments,
        null,
        null,
        null,
        textAnalyzer,
        segmentLiveDocs);
  }

  /**
   * A tombstone that ends this namespace's life. The version numbering continues, and so do the
   * writers' epochs (without their positions), so that an instance claimed before the delete stays
   * fenced if the namespace is created again (see {@link #continuing}). Every object this version
   * references becomes garbage, kept with the garbage it had for the retention period so that
   * readers pinned to a live version keep working, and released afterwards.
   */
  public Manifest tombstone(long nowMillis, String newCommitId) {
    Map<String, WriterState> epochs = new TreeMap<>();
    writers.forEach((id, w) -> epochs.put(id, new WriterState(w.epoch(), null, nowMillis)));
    List<GarbageRef> dropped = new ArrayList<>(garbage);
    for (String key : liveObjectKeys()) {
      dropped.add(new GarbageRef(key, nowMillis));
    }
    return new Manifest(
        FORMAT_VERSION,
        namespace,
        version + 1,
        newCommitId,
        true,
        createdAtMillis,
        nowMillis,
        distanceMetric,
        null,
        null,
        null,
        nextSeq,
        null,
        null,
        epochs,
        null,
        dropped,
        null,
        null);
  }

  /**
   * This first version of a namespace, carrying over what must outlive an earlier life of the name,
   * if {@code previous} is its tombstone (null or a live version changes nothing): the writer
   * epochs (writers this version claims itself keep their own state) and the garbage still within
   * its retention period, which this namespace then releases.
   */
  public Manifest continuing(Manifest previous) {
    if (previous == null || !previous.deleted()) {
      return this;
    }
    Builder b = toBuilder();
    previous.writers.forEach(b.writers::putIfAbsent);
    List<GarbageRef> carried = new ArrayList<>(previous.garbage);
    carried.addAll(garbage);
    return b.garbage(carried).build();
  }

  /**
   * The next version with another garbage list and nothing else changed: a tombstone stays a
   * tombstone (garbage collection of a deleted namespace).
   */
  public Manifest withGarbage(
      long nextVersion, String newCommitId, long nowMillis, List<GarbageRef> newGarbage) {
    return new Manifest(
        FORMAT_VERSION,
        namespace,
        nextVersion,
        newCommitId,
        deleted,
        createdAtMillis,
        nowMillis,
        distanceMetric,
        vectorDim,
        labels,
        parent,
        nextSeq,
        wal,
        segments,
        writers,
        idempotency,
        newGarbage,
        textAnalyzer,
        segmentLiveDocs);
  }

  /** Every object this version references (WAL batches, segments), but not its garbage. */
  @JsonIgnore
  public Set<String> liveObjectKeys() {
    Set<String> keys = new LinkedHashSet<>();
    for (WalRef w : wal) {
      keys.add(w.key());
    }
    for (SegmentRef s : segments) {
      keys.add(s.key());
    }
    return keys;
  }

  /**
   * The live documents of this version if the manifest alone tells: when there is no WAL tail and
   * the segments' count is recorded, or there is at most one segment (whose {@code docs} are its
   * live documents). Describing a namespace then need not load it.
   */
  @JsonIgnore
  public OptionalLong liveDocsIfKnown() {
    if (!wal.isEmpty()) {
      return OptionalLong.empty();
    }
    if (segmentLiveDocs != null) {
      return OptionalLong.of(segmentLiveDocs);
    }
    if (segments.size() <= 1) {
      return OptionalLong.of(segments.isEmpty() ? 0 : segments.get(0).docs());
    }
    return OptionalLong.empty();
  }

  /** Records in unindexed WAL batches. */
  @JsonIgnore
  public long walRecords() {
    long n = 0;
    for (WalRef w : wal) {
      n += w.records();
    }
    return n;
  }

  /** Bytes of the objects this version references. */
  @JsonIgnore
  public long totalBytes() {
    long n = 0;
    for (WalRef w : wal) {
      n += w.bytes();
    }
    for (SegmentRef s : segments) {
      n += s.bytes();
    }
    return n;
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds the next version from this one; fields not set keep their values. */
  public static final class Builder {
    private final Manifest base;
    private long version;
    private String commitId;
    private long updatedAtMillis;
    private Integer vectorDim;
    private Map<String, String> labels;
    private String parent;
    private long nextSeq;
    private final List<WalRef> wal;
    private List<SegmentRef> segments;
    private final Map<String, WriterState> writers;
    private final List<IdempotencyRecord> idempotency;
    private List<GarbageRef> garbage;
    private Long segmentLiveDocs;

    private Builder(Manifest base) {
      this.base = base;
      this.version = base.version;
      this.commitId = base.commitId;
      this.updatedAtMillis = base.updatedAtMillis;
      this.vectorDim = base.vectorDim;
      this.labels = base.labels;
      this.parent = base.parent;
      this.nextSeq = base.nextSeq;
      this.wal = new ArrayList<>(base.wal);
      this.segments = base.segments;
      this.writers = new TreeMap<>(base.writers);
      this.idempotency = new ArrayList<>(base.idempotency);
      this.garbage = base.garbage;
      this.segmentLiveDocs = base.segmentLiveDocs;
    }

    public Builder version(long version) {
      this.version = version;
      return this;
    }

    public Builder commitId(String commitId) {
      this.commitId = commitId;
      return this;
    }

    public Builder updatedAtMillis(long updatedAtMillis) {
      this.updatedAtMillis = updatedAtMillis;
      return this;
    }

    public Builder vectorDim(Integer vectorDim) {
      this.vectorDim = vectorDim;
      return this;
    }

    public Builder labels(Map<String, String> labels) {
      this.labels = labels;
      return this;
    }

    public Builder parent(String parent) {
      this.parent = parent;
      return this;
    }

    public Builder nextSeq(long nextSeq) {
      this.nextSeq = nextSeq;
      return this;
    }

    public Builder addWal(WalRef ref) {
      wal.add(ref);
      return this;
    }

    public Builder wal(List<WalRef> refs) {
      wal.clear();
      wal.addAll(refs);
      return this;
    }

    public Builder segments(List<SegmentRef> segments) {
      this.segments = segments;
      return this;
    }

    public Builder writer(String writerId, WriterState state) {
      writers.put(writerId, state);
      return this;
    }

    /** Appends an idempotency record, dropping the oldest beyond {@code retained}. */
    public Builder addIdempotency(IdempotencyRecord record, int retained) {
      idempotency.add(record);
      while (idempotency.size() > retained) {
        idempotency.remove(0);
      }
      return this;
    }

    public Builder garbage(List<GarbageRef> garbage) {
      this.garbage = garbage;
      return this;
    }

    /** Live documents in the segments, or null if not known (see {@link Manifest}). */
    public Builder segmentLiveDocs(Long segmentLiveDocs) {
      this.segmentLiveDocs = segmentLiveDocs;
      return this;
    }

    public Manifest build() {
      return new Manifest(
          FORMAT_VERSION,
          base.namespace,
          version,
          commitId,
          false,
          base.createdAtMillis,
          updatedAtMillis,
          base.distanceMetric,
          vectorDim,
          labels,
          parent,
          nextSeq,
          wal,
          segments,
          writers,
          idempotency,
          garbage,
          base.textAnalyzer,
          segmentLiveDocs);
    }
  }
}
