package dev.shoal.engine.index.vector;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.index.Bits;
import dev.shoal.engine.index.RangeReader;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.storage.CorruptObjectException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Searches one segment's vector index, written by {@link IvfIndexWriter} (layout in {@link
 * IvfFormat}).
 *
 * <p>Two ways to open one:
 *
 * <ul>
 *   <li>{@link #open} reads only the head (header, centroids, block directory: one read when the
 *       head fits in the prefetch) and keeps it. Each search then fetches the blocks of the
 *       clusters it probes with one {@link RangeReader#readAll}, so a search over object storage
 *       costs one round trip once the head is cached, two when cold.
 *   <li>{@link #load} reads everything once and decodes it into flat arrays: 1-bit codes, the
 *       vectors as written (the segment's only copy, see {@link #vector}), inverse norms for
 *       cosine, ordinals and the ordinal map, about 1.04x the raw float bytes at 768 dimensions
 *       ({@link #heapBytes()}). Searches then do no I/O, and the reader and its bytes can be
 *       dropped.
 * </ul>
 *
 * <p>{@link #search} probes the clusters nearest the query, and under a filter goes on until it has
 * seen about as many allowed candidates as an unfiltered search sees (at least 2k), estimates
 * scores from the codes, and re-scores the best estimates with the full-precision vectors; scores
 * are exact for every returned hit. It scores the allowed ordinals exactly instead when they are
 * few, or when the nearest clusters hold far fewer of them than a random filter would leave there
 * (a filter correlated with the clusters). {@link #exactSearch} scores every allowed vector.
 *
 * <p>Scores are higher-is-better: cosine similarity, negative squared euclidean distance, or dot
 * product. Ties order by ascending ordinal.
 *
 * <p>Instances are immutable apart from a lazily read ordinal map and are safe for concurrent
 * searches. Corrupt or truncated bytes throw {@link CorruptObjectException} naming the index.
 */
public final class IvfIndex {

  /** Bytes read up front by {@link #open}; a larger head costs one more read. */
  public static final int DEFAULT_PREFETCH_BYTES = 1 << 20;

  private final String name;
  private final DistanceMetric metric;
  private final Quantization quantization;
  private final boolean normalized;
  private final int dimension;
  private final int count;
  private final int clusters;
  private final int words;
  private final int headLength;
  private final float[] centroids;
  private final float[] biases;
  private final long[] blockOffsets;
  private final int[] blockLengths;
  private final int[] sizes;
  private final int[] starts;
  private final long mappingOffset;

  /** Null once loaded. */
  private final RangeReader reader;

  /** Decoded blocks of a loaded index, null when searches read through {@link #reader}. */
  private final Block[] loaded;

  private volatile int[] ordToPos;

  private IvfIndex(Head head, RangeReader reader, Block[] loaded, int[] ordToPos) {
    this.name = head.name;
    this.metric = head.metric;
    this.quantization = head.quantization;
    this.normalized = head.normalized;
    this.dimension = head.dimension;
    this.count = head.count;
    this.clusters = head.clusters;
    this.words = IvfFormat.words(head.dimension);
    this.headLength = head.headLength;
    this.centroids = head.centroids;
    this.biases = head.biases;
    this.blockOffsets = head.blockOffsets;
    this.blockLengths = head.blockLengths;
    this.sizes = head.sizes;
    this.starts = head.starts;
    this.mappingOffset = head.mappingOffset;
    this.reader = reader;
    this.loaded = loaded;
    this.ordToPos = ordToPos;
  }

  /** Opens an index over {@code reader}, reading its head now; {@code name} appears in errors. */
  public static IvfIndex open(RangeReader reader, String name) {
    return open(reader, name, DEFAULT_PREFETCH_BYTES);
  }

  /**
   * Opens an index reading {@code prefetchBytes} up front; pass {@link #headLength(ByteBuffer)} of
   * the index (recorded by the segment writer) to read exactly the head in one round.
   */
  public static IvfIndex open(RangeReader reader, String name, int prefetchBytes) {
    requireNonNull(reader, "reader is null");
    requireNonNull(name, "name is null");
    return new IvfIndex(readHead(reader, name, prefetchBytes), reader, null, null);
  }

  /**
   * Reads and checks the whole index into memory. The returned index keeps no reference to {@code
   * reader}.
   */
  public static IvfIndex load(RangeReader reader, String name) {
    requireNonNull(reader, "reader is null");
    requireNonNull(name, "name is null");
    Head head = readHead(reader, name, DEFAULT_PREFETCH_BYTES);
    long floats = (long) head.count * head.dimension;
    if (floats > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException(
          "Cannot load vector index "
              + name
              + ": "
              + head.count
              + " vectors of dimension "
              + head.dimension
              + " do not fit in one array; search it through open() instead");
    }
    List<long[]> ranges = new ArrayList<>(head.clusters + 1);
    for (int c = 0; c < head.clusters; c++) {
      ranges.add(new long[] {head.blockOffsets[c], head.blockLengths[c]});
    }
    ranges.add(new long[] {head.mappingOffset, IvfFormat.mappingLength(head.count)});
    List<ByteBuffer> buffers = reader.readAll(ranges);
    int words = IvfFormat.words(head.dimension);
    boolean binary = head.quantization == Quantization.BINARY;
    Flat flat =
        new Flat(
            binary ? new long[Math.multiplyExact(head.count, words)] : null,
            binary ? new float[head.count * IvfFormat.CORRECTIONS] : null,
            new float[(int) floats],
            head.normalized ? new float[head.count] : null,
            new int[head.count]);
    Block[] blocks = new Block[head.clusters];
    for (int c = 0; c < head.clusters; c++) {
      blocks[c] = decodeBlock(head, c, buffers.get(c), flat);
    }
    int[] mapping = decodeMapping(head, buffers.get(head.clusters));
    return new IvfIndex(head, null, blocks, mapping);
  }

  /**
   * The head length of an index, from its first 64 bytes; a segment writer may record it to open
   * the index later with exactly one read.
   */
  public static int headLength(ByteBuffer first64Bytes) {
    return first64Bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(24);
  }

  public DistanceMetric metric() {
    return metric;
  }

  public int dimension() {
    return dimension;
  }

  /** Number of vectors (ordinals {@code 0..size()-1}). */
  public int size() {
    return count;
  }

  /** Number of clusters; 1 for a flat index, 0 when empty. */
  public int clusters() {
    return clusters;
  }

  public Quantization quantization() {
    return quantization;
  }

  /** Whether every search is exact (a flat index, written for a small segment). */
  public boolean isFlat() {
    return quantization == Quantization.NONE && clusters <= 1;
  }

  public boolean isLoaded() {
    return loaded != null;
  }

  /** Bytes of the head section (header, centroids, directory). */
  public int headLength() {
    return headLength;
  }

  /**
   * Heap bytes held by this index, counted from its arrays (object headers aside): the head, and
   * for a loaded index the codes, corrections, vectors, ordinals and ordinal map.
   */
  public long heapBytes() {
    long bytes =
        (long) centroids.length * Float.BYTES
            + (long) clusters * (Long.BYTES + 4L * Integer.BYTES)
            + Integer.BYTES;
    if (loaded != null && loaded.length > 0) {
      Block b = loaded[0];
      bytes += b.codes == null ? 0 : (long) b.codes.length * Long.BYTES;
      bytes += b.corrections == null ? 0 : (long) b.corrections.length * Float.BYTES;
      bytes += (long) b.vectors.length * Float.BYTES;
      bytes += b.inverseNorms == null ? 0 : (long) b.inverseNorms.length * Float.BYTES;
      bytes += (long) b.ords.length * Integer.BYTES;
    }
    int[] map = ordToPos;
    if (map != null) {
      bytes += (long) map.length * Integer.BYTES;
    }
    return bytes;
  }

  /** {@link #search(float[], int, Bits, SearchParams)} with {@link SearchParams#DEFAULT}. */
  public VectorSearchResult search(float[] query, int k, Bits allowed) {
    return search(query, k, allowed, SearchParams.DEFAULT);
  }

  /**
   * Approximate top-{@code k} of the allowed ordinals.
   *
   * @param allowed ordinals that may be returned (live and passing the filter), or null for all;
   *     its length must cover {@link #size()}
   * @throws IllegalArgumentException if the query has the wrong dimension or a non-finite value, or
   *     {@code k < 1}
   * @throws CorruptObjectException if a block read from storage fails its checksum
   */
  public VectorSearchResult search(float[] query, int k, Bits allowed, SearchParams params) {
    requireNonNull(params, "params is null");
    float[] q = prepare(query, k, allowed);
    Io io = new Io();
    int card = cardinality(allowed);
    if (card == 0) {
      return empty(true);
    }
    if (isFlat()) {
      return exactScan(q, k, allowed, io);
    }

    int[] order = clusterOrder(q);
    int nprobe = params.nprobe() > 0 ? Math.min(params.nprobe(), clusters) : defaultNprobe();
    long baseScan = 0;
    for (int i = 0; i < nprobe; i++) {
      baseScan += sizes[order[i]];
    }
    // Probe until as many allowed candidates were seen as an unfiltered search sees (and at least
    // 2k), counted in the probed blocks: a filter correlated with the clusters (its matches far
    // from the query) then probes further instead of returning too few hits.
    long target = Math.max(baseScan, 2L * k);
    // The batch below aims at the target on average; a little short of it is enough, so that a
    // random filter does not cost an open index a second round.
    long enough = Math.max(2L * k, target - target / 4);
    int threshold = params.exactThreshold();
    // First batch: a filter passing a fraction f leaves about f of each cluster, so about 1/f as
    // many vectors hold as many candidates; an open index reads the batch in one round.
    int probes = nprobe;
    long scan = baseScan;
    double fraction = card / (double) count;
    while (probes < clusters && scan * fraction < target) {
      scan += sizes[order[probes++]];
    }
    if (exactFallback(card, scan, threshold)) {
      return exactFor(q, k, allowed, card, io);
    }
    List<Block> probed = new ArrayList<>();
    long seen = 0;
    scan = 0;
    int done = 0;
    while (true) {
      for (Block b : blocks(Arrays.copyOfRange(order, done, probes), io)) {
        probed.add(b);
        scan += b.count;
        seen += allowed == null ? b.count : countAllowed(b, allowed);
        if (probed.size() == nprobe
            && allowed != null
            && threshold != 0
            && seen * 2 < baseScan * fraction) {
          // The clusters an unfiltered search probes hold less than half the matches a random
          // filter would leave there: the filter is correlated with the clusters, and its best
          // matches may be spread thinly over any of them. Score the matches exactly (unless
          // told never to).
          return exactFor(q, k, allowed, card, io);
        }
      }
      done = probes;
      if (seen >= enough || probes == clusters) {
        break;
      }
      // Too few matches so far: extend by the density seen (a loaded index one cluster at a time,
      // as it costs no I/O), or fall back to scoring the matches exactly once that is cheaper.
      long wanted =
          loaded != null ? 1 : (long) ((target - seen) * (scan / (double) Math.max(1, seen)));
      long extra = 0;
      while (probes < clusters && (probes == done || extra < wanted)) {
        extra += sizes[order[probes++]];
      }
      if (exactFallback(card, scan + extra, threshold)) {
        return exactFor(q, k, allowed, card, io);
      }
    }
    Block[] blocks = probed.toArray(new Block[0]);
    int codes = 0;
    int exact = 0;
    TopK top = new TopK(k);
    float[] scratch = new float[dimension];
    if (quantization == Quantization.NONE) {
      for (Block b : blocks) {
        exact += scoreBlock(q, b, allowed, top, scratch);
      }
    } else {
      int depth = params.rerankDepth() > 0 ? params.rerankDepth() : defaultRerankDepth(k);
      Candidates candidates = new Candidates(Math.max(k, depth));
      int largest = 0;
      for (Block b : blocks) {
        largest = Math.max(largest, b.count);
      }
      ScanBuffers buffers = new ScanBuffers(dimension, words, largest, allowed != null);
      for (int slot = 0; slot < blocks.length; slot++) {
        codes += scanBinary(q, blocks[slot], slot, allowed, candidates, buffers);
      }
      long[] ids = new long[candidates.bound()];
      float[] estimates = new float[ids.length];
      int n = candidates.drainSorted(ids, estimates);
      for (int i = 0; i < n; i++) {
        Block b = blocks[(int) (ids[i] >>> 32)];
        int j = (int) ids[i];
        top.offer(score(q, b, j, scratch), b.ords[b.ordOffset + j]);
      }
      exact = n;
    }
    return result(top, new SearchStats(false, blocks.length, codes, exact, io.rounds, io.bytes));
  }

  /**
   * Exact top-{@code k} of the allowed ordinals (the {@code kNN} rank, the WAL-tail fallback of
   * small segments). Reads every block when the index is not loaded, unless few ordinals are
   * allowed.
   */
  public VectorSearchResult exactSearch(float[] query, int k, Bits allowed) {
    float[] q = prepare(query, k, allowed);
    Io io = new Io();
    int card = cardinality(allowed);
    if (card == 0) {
      return empty(true);
    }
    if (allowed != null && card <= count / 8) {
      return exactByOrdinals(q, k, allowed, io);
    }
    return exactScan(q, k, allowed, io);
  }

  /**
   * The vector of an ordinal as written. A loaded index answers from memory; an open one reads the
   * ordinal map (once) and then the vector's range, which only the checksum of the whole section
   * covers.
   *
   * @throws IndexOutOfBoundsException if the ordinal is not below {@link #size()}
   */
  public float[] vector(int ordinal) {
    Objects.checkIndex(ordinal, count);
    Io io = new Io();
    int pos = ordinalMap(io)[ordinal];
    float[] out = new float[dimension];
    if (loaded != null) {
      System.arraycopy(loaded[0].vectors, pos * dimension, out, 0, dimension);
      return out;
    }
    int c = clusterOf(pos);
    long offset =
        blockOffsets[c]
            + IvfFormat.vectorsOffset(quantization, dimension, sizes[c])
            + (long) (pos - starts[c]) * dimension * Float.BYTES;
    readAll(List.<long[]>of(new long[] {offset, (long) dimension * Float.BYTES}), io)
        .get(0)
        .duplicate()
        .order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .get(out);
    return out;
  }

  /**
   * Default clusters to probe: enough for recall@10 of 0.95 on clustered data (see the ANN
   * benchmark). Dot products reach further: the best hits of a query are often in other,
   * larger-norm clusters.
   */
  int defaultNprobe() {
    int base = Math.max(8, (int) Math.ceil(clusters * 0.02));
    return Math.min(clusters, metric == DistanceMetric.DOT ? 2 * base : base);
  }

  /**
   * Default re-scoring depth. The error of a 1-bit estimate shrinks like 1 / sqrt(dimension), so
   * low dimensions re-score more candidates: 200 from 128 dimensions up, 283 at 64. Re-scoring is
   * cheap next to the scan (a few hundred dot products).
   */
  int defaultRerankDepth(int k) {
    int byDimension = (int) Math.ceil(200 * Math.max(1.0, Math.sqrt(128.0 / dimension)));
    return Math.max(10 * k, Math.min(400, byDimension));
  }

  /** Below this many allowed ordinals, scoring them exactly beats scanning {@code scan} codes. */
  private long autoExactThreshold(long scan) {
    // A code costs a few popcounts, a full vector about dimension / 8 wide multiply-adds plus a
    // cache miss; without codes the scan scores full vectors too.
    return quantization == Quantization.NONE ? scan : scan / 4;
  }

  /** Cluster ids in the order a search for {@code query} probes them; for tests. */
  int[] probeOrder(float[] query) {
    return clusterOrder(prepare(query, 1, null));
  }

  /** The ordinals of one cluster's members; for tests. */
  int[] members(int cluster) {
    Block b = blocks(new int[] {cluster}, new Io())[0];
    return Arrays.copyOfRange(b.ords, b.ordOffset, b.ordOffset + b.count);
  }

  /** Whether scoring the {@code card} allowed ordinals exactly beats scanning {@code scan}. */
  private boolean exactFallback(int card, long scan, int threshold) {
    long limit = threshold >= 0 ? threshold : autoExactThreshold(scan);
    return card <= limit;
  }

  private VectorSearchResult exactFor(float[] q, int k, Bits allowed, int card, Io io) {
    return allowed == null || card > count / 8
        ? exactScan(q, k, allowed, io)
        : exactByOrdinals(q, k, allowed, io);
  }

  private static int countAllowed(Block b, Bits allowed) {
    int n = 0;
    for (int j = 0; j < b.count; j++) {
      if (allowed.get(b.ords[b.ordOffset + j])) {
        n++;
      }
    }
    return n;
  }

  // ---- query preparation and scoring ----

  private float[] prepare(float[] query, int k, Bits allowed) {
    requireNonNull(query, "query is null");
    if (query.length != dimension) {
      throw new IllegalArgumentException(
          "Cannot search vector index "
              + name
              + ": query has dimension "
              + query.length
              + ", index has "
              + dimension);
    }
    if (k < 1) {
      throw new IllegalArgumentException(
          "Cannot search vector index " + name + ": k must be at least 1, got " + k);
    }
    if (allowed != null && allowed.length() < count) {
      throw new IllegalArgumentException(
          "Cannot search vector index "
              + name
              + ": allowed ordinals cover "
              + allowed.length()
              + ", index has "
              + count);
    }
    for (int i = 0; i < query.length; i++) {
      if (!Float.isFinite(query[i])) {
        throw new IllegalArgumentException(
            "Cannot search vector index "
                + name
                + ": query has a non-finite value "
                + query[i]
                + " at index "
                + i);
      }
    }
    if (normalized) {
      float[] q = query.clone();
      VectorKernels.normalize(q, 0, dimension);
      return q;
    }
    return query;
  }

  private int cardinality(Bits allowed) {
    if (count == 0) {
      return 0;
    }
    return allowed == null ? count : Math.max(0, Math.min(count, allowed.cardinality()));
  }

  /**
   * Exact score of a prepared query against {@code v[offset..]}; {@code inverseNorm} is {@code 1 /
   * |v|} for cosine (the query is a unit vector), ignored otherwise.
   */
  private float score(float[] q, float[] v, int offset, float inverseNorm) {
    switch (metric) {
      case EUCLIDEAN:
        return -VectorKernels.squareDistance(q, 0, v, offset, dimension);
      case DOT:
        return VectorKernels.dot(q, 0, v, offset, dimension);
      case COSINE:
        float cos = VectorKernels.dot(q, 0, v, offset, dimension) * inverseNorm;
        return Math.max(-1f, Math.min(1f, cos));
      default:
        throw new AssertionError(metric);
    }
  }

  private float score(float[] q, Block b, int j, float[] scratch) {
    float inverseNorm = b.inverseNorms == null ? 1f : b.inverseNorms[b.normOffset + j];
    if (b.vectors != null) {
      return score(q, b.vectors, b.vecOffset + j * dimension, inverseNorm);
    }
    b.vectorBuffer.get(j * dimension, scratch, 0, dimension);
    return score(q, scratch, 0, inverseNorm);
  }

  /** Scores every allowed member of a block exactly; returns how many. */
  private int scoreBlock(float[] q, Block b, Bits allowed, TopK top, float[] scratch) {
    int scored = 0;
    for (int j = 0; j < b.count; j++) {
      int ord = b.ords[b.ordOffset + j];
      if (allowed != null && !allowed.get(ord)) {
        continue;
      }
      top.offer(score(q, b, j, scratch), ord);
      scored++;
    }
    return scored;
  }

  /** Per-search scratch of {@link #scanBinary}, sized for the largest probed block. */
  private static final class ScanBuffers {
    final float[] residual;
    final long[] planes;
    final float[] constants = new float[5];
    final int[] dots;
    final int[] members;

    ScanBuffers(int dimension, int words, int largest, boolean filtered) {
      residual = new float[dimension];
      planes = new long[4 * words];
      dots = new int[largest];
      members = filtered ? new int[largest] : null;
    }
  }

  /**
   * Estimates the score of each allowed member from its 1-bit code (RaBitQ): the residual of the
   * query to the centroid is quantized to 4 bits, {@code <o, q'>} is estimated from popcounts and
   * corrected by {@code 1 / <o_bar, o>}, then turned into the metric's score. The query is
   * quantized only once a member passes the filter, so a cluster the filter empties costs one bit
   * test per member. Returns codes scanned.
   *
   * <p>The popcounts of the whole block run first, in one tight loop, and only estimates that can
   * enter the candidates (not below their floor) are added: most members of all but the nearest
   * cluster are rejected by one comparison.
   */
  private int scanBinary(
      float[] q, Block b, int slot, Bits allowed, Candidates candidates, ScanBuffers buf) {
    int[] ords = b.ords;
    int[] members = buf.members;
    int n = b.count;
    if (allowed != null) {
      n = 0;
      for (int j = 0; j < b.count; j++) {
        if (allowed.get(ords[b.ordOffset + j])) {
          members[n++] = j;
        }
      }
    }
    if (n == 0) {
      return 0;
    }
    float[] k = buf.constants;
    quantizeResidual(q, b.cluster, buf.residual, buf.planes, k);
    float a = k[0];
    float bSum = k[1];
    float c = k[2];
    float qc = k[3];
    float qrNorm = k[4];
    float qrNorm2 = qrNorm * qrNorm;
    long[] codes = b.codes;
    long[] planes = buf.planes;
    int[] dots = buf.dots;
    if (allowed == null) {
      VectorKernels.int4BitDots(codes, b.codeOffset, n, planes, words, dots);
    } else {
      for (int i = 0; i < n; i++) {
        dots[i] =
            (int) VectorKernels.int4BitDot(codes, b.codeOffset + members[i] * words, planes, words);
      }
    }
    boolean euclidean = metric == DistanceMetric.EUCLIDEAN;
    float[] corr = b.corrections;
    long slotBits = (long) slot << 32;
    float floor = candidates.floor();
    for (int i = 0; i < n; i++) {
      int j = allowed == null ? i : members[i];
      int co = b.corrOffset + j * IvfFormat.CORRECTIONS;
      float rNorm = corr[co];
      float est = (a * dots[i] + bSum * corr[co + 3] + c) * corr[co + 1];
      float rq = rNorm * qrNorm * est;
      float s = euclidean ? -(rNorm * rNorm + qrNorm2 - 2f * rq) : qc + corr[co + 2] + rq;
      // Written so that a NaN is kept (and reranked).
      if (!(s < floor)) {
        candidates.add(s, slotBits | j);
        floor = candidates.floor();
      }
    }
    return n;
  }

  /**
   * Quantizes {@code (q - c) / |q - c|} of one cluster to 4-bit planes and returns in {@code out}
   * the estimator's constants: a, b, c such that {@code <o_bar, q'> ~ a <b, u> + b |b| + c} (then
   * divided by {@code <o_bar, o>}), {@code <q, c>} and {@code |q - c|}.
   */
  private void quantizeResidual(float[] q, int cluster, float[] qr, long[] planes, float[] out) {
    int d = dimension;
    int cOff = cluster * d;
    for (int i = 0; i < d; i++) {
      qr[i] = q[i] - centroids[cOff + i];
    }
    float qc =
        metric == DistanceMetric.EUCLIDEAN ? 0f : VectorKernels.dot(q, 0, centroids, cOff, d);
    float qrNorm = VectorKernels.norm(qr, 0, d);
    Arrays.fill(planes, 0L);
    float a = 0f;
    float bSum = 0f;
    float c = 0f;
    if (qrNorm > 0f) {
      float inv = 1f / qrNorm;
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < d; i++) {
        float v = qr[i] * inv;
        qr[i] = v;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      float delta = (hi - lo) / 15f;
      long sumQ = 0;
      if (delta > 0f) {
        float invDelta = 1f / delta;
        // Branch-free: the bits are random, so branches here would mostly mispredict.
        for (int w = 0; w < words; w++) {
          long p0 = 0;
          long p1 = 0;
          long p2 = 0;
          long p3 = 0;
          int base = w << 6;
          int end = Math.min(d, base + 64);
          for (int i = base; i < end; i++) {
            int u = Math.min(15, (int) ((qr[i] - lo) * invDelta + 0.5f));
            sumQ += u;
            int shift = i - base;
            p0 |= (long) (u & 1) << shift;
            p1 |= (long) ((u >>> 1) & 1) << shift;
            p2 |= (long) ((u >>> 2) & 1) << shift;
            p3 |= (long) (u >>> 3) << shift;
          }
          planes[4 * w] = p0;
          planes[4 * w + 1] = p1;
          planes[4 * w + 2] = p2;
          planes[4 * w + 3] = p3;
        }
      }
      // q'_i ~ lo + delta * u_i and o_bar_i = (2 b_i - 1) / sqrt(D), so
      // <o_bar, q'> ~ (2 delta <b, u> + 2 lo |b| - delta sum(u) - D lo) / sqrt(D).
      float invSqrtD = (float) (1.0 / Math.sqrt(d));
      a = 2f * delta * invSqrtD;
      bSum = 2f * lo * invSqrtD;
      c = (-delta * sumQ - d * lo) * invSqrtD;
    }
    out[0] = a;
    out[1] = bSum;
    out[2] = c;
    out[3] = qc;
    out[4] = qrNorm;
  }

  /** Cluster ids, best centroid score first. */
  private int[] clusterOrder(float[] q) {
    long[] keys = new long[clusters];
    int d = dimension;
    for (int c = 0; c < clusters; c++) {
      // -|q - c|^2 + |q|^2 for euclidean and cosine; see IvfFormat for dot.
      float s = 2f * VectorKernels.dot(q, 0, centroids, c * d, d) + biases[c];
      keys[c] = ((long) sortableDescending(s) << 32) | c;
    }
    Arrays.sort(keys);
    int[] order = new int[clusters];
    for (int i = 0; i < clusters; i++) {
      order[i] = (int) keys[i];
    }
    return order;
  }

  /** An int whose signed order is the descending order of {@code f}. */
  private static int sortableDescending(float f) {
    int bits = Float.floatToIntBits(-f);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  // ---- exact paths ----

  private VectorSearchResult exactScan(float[] q, int k, Bits allowed, Io io) {
    int[] all = new int[clusters];
    for (int c = 0; c < clusters; c++) {
      all[c] = c;
    }
    Block[] blocks = blocks(all, io);
    TopK top = new TopK(k);
    float[] scratch = new float[dimension];
    int scored = 0;
    for (Block b : blocks) {
      scored += scoreBlock(q, b, allowed, top, scratch);
    }
    return result(top, new SearchStats(true, blocks.length, 0, scored, io.rounds, io.bytes));
  }

  /** Scores only the allowed ordinals, found through the ordinal map. */
  private VectorSearchResult exactByOrdinals(float[] q, int k, Bits allowed, Io io) {
    int[] map = ordinalMap(io);
    TopK top = new TopK(k);
    int scored = 0;
    if (loaded != null) {
      float[] vectors = loaded[0].vectors;
      float[] inverseNorms = loaded[0].inverseNorms;
      for (int ord = 0; ord < count; ord++) {
        if (allowed.get(ord)) {
          int pos = map[ord];
          float inverseNorm = inverseNorms == null ? 1f : inverseNorms[pos];
          top.offer(score(q, vectors, pos * dimension, inverseNorm), ord);
          scored++;
        }
      }
      return result(top, new SearchStats(true, 0, 0, scored, io.rounds, io.bytes));
    }
    // Read just the allowed vectors, adjacent ones merged into one range.
    long[] keys = new long[Math.min(count, Math.max(16, allowed.cardinality()))];
    int n = 0;
    for (int ord = 0; ord < count; ord++) {
      if (allowed.get(ord)) {
        if (n == keys.length) {
          keys = Arrays.copyOf(keys, Math.min(count, keys.length * 2));
        }
        keys[n++] = ((long) map[ord] << 32) | ord;
      }
    }
    if (n == 0) {
      return result(top, new SearchStats(true, 0, 0, 0, io.rounds, io.bytes));
    }
    Arrays.sort(keys, 0, n);
    int vectorBytes = dimension * Float.BYTES;
    List<long[]> ranges = new ArrayList<>();
    List<int[]> runs = new ArrayList<>(); // {index of the first key, length}
    int i = 0;
    while (i < n) {
      int first = (int) (keys[i] >>> 32);
      int c = clusterOf(first);
      int end = i + 1;
      while (end < n
          && (int) (keys[end] >>> 32) == first + (end - i)
          && first + (end - i) < starts[c + 1]
          && (long) (end - i + 1) * vectorBytes < Integer.MAX_VALUE) {
        end++;
      }
      long offset =
          blockOffsets[c]
              + IvfFormat.vectorsOffset(quantization, dimension, sizes[c])
              + (long) (first - starts[c]) * vectorBytes;
      ranges.add(new long[] {offset, (long) (end - i) * vectorBytes});
      runs.add(new int[] {i, end - i});
      i = end;
    }
    List<ByteBuffer> buffers = readAll(ranges, io);
    float[] v = new float[dimension];
    for (int r = 0; r < runs.size(); r++) {
      FloatBuffer fb = buffers.get(r).duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      int[] run = runs.get(r);
      for (int j = 0; j < run[1]; j++) {
        fb.get(j * dimension, v, 0, dimension);
        float inverseNorm = normalized ? VectorKernels.inverseNorm(v, 0, dimension) : 1f;
        top.offer(score(q, v, 0, inverseNorm), (int) keys[run[0] + j]);
        scored++;
      }
    }
    return result(top, new SearchStats(true, 0, 0, scored, io.rounds, io.bytes));
  }

  private int clusterOf(int position) {
    int idx = Arrays.binarySearch(starts, 0, clusters, position);
    if (idx >= 0) {
      // Several empty clusters may start at the same position: take the last, non-empty one.
      while (idx + 1 < clusters && starts[idx + 1] == position) {
        idx++;
      }
      return idx;
    }
    return -idx - 2;
  }

  private int[] ordinalMap(Io io) {
    int[] map = ordToPos;
    if (map == null) {
      ByteBuffer buf =
          readAll(List.<long[]>of(new long[] {mappingOffset, IvfFormat.mappingLength(count)}), io)
              .get(0);
      map = decodeMapping(headFor(), buf);
      ordToPos = map;
    }
    return map;
  }

  private Head headFor() {
    Head h = new Head();
    h.name = name;
    h.count = count;
    return h;
  }

  // ---- I/O and decoding ----

  /** Per-search I/O counters. */
  private static final class Io {
    int rounds;
    long bytes;
  }

  private List<ByteBuffer> readAll(List<long[]> ranges, Io io) {
    List<ByteBuffer> out = reader.readAll(ranges);
    io.rounds++;
    for (long[] r : ranges) {
      io.bytes += r[1];
    }
    if (out.size() != ranges.size()) {
      throw new IllegalStateException(
          "RangeReader returned " + out.size() + " buffers for " + ranges.size() + " ranges");
    }
    return out;
  }

  private Block[] blocks(int[] clusterIds, Io io) {
    Block[] out = new Block[clusterIds.length];
    if (loaded != null) {
      for (int i = 0; i < clusterIds.length; i++) {
        out[i] = loaded[clusterIds[i]];
      }
      return out;
    }
    if (clusterIds.length == 0) {
      return out;
    }
    List<long[]> ranges = new ArrayList<>(clusterIds.length);
    for (int c : clusterIds) {
      ranges.add(new long[] {blockOffsets[c], blockLengths[c]});
    }
    List<ByteBuffer> buffers = readAll(ranges, io);
    Head h = new Head();
    h.name = name;
    h.dimension = dimension;
    h.quantization = quantization;
    h.normalized = normalized;
    h.blockLengths = blockLengths;
    h.sizes = sizes;
    h.starts = starts;
    for (int i = 0; i < clusterIds.length; i++) {
      out[i] = decodeBlock(h, clusterIds[i], buffers.get(i), null);
    }
    return out;
  }

  /** One cluster's members: arrays with offsets, into a loaded index's flat arrays or its own. */
  private static final class Block {
    final int cluster;
    final int count;
    final long[] codes;
    final int codeOffset;
    final float[] corrections;
    final int corrOffset;
    final float[] vectors;
    final int vecOffset;
    final FloatBuffer vectorBuffer;
    final float[] inverseNorms;
    final int normOffset;
    final int[] ords;
    final int ordOffset;

    Block(
        int cluster,
        int count,
        long[] codes,
        int codeOffset,
        float[] corrections,
        int corrOffset,
        float[] vectors,
        int vecOffset,
        FloatBuffer vectorBuffer,
        float[] inverseNorms,
        int normOffset,
        int[] ords,
        int ordOffset) {
      this.cluster = cluster;
      this.count = count;
      this.codes = codes;
      this.codeOffset = codeOffset;
      this.corrections = corrections;
      this.corrOffset = corrOffset;
      this.vectors = vectors;
      this.vecOffset = vecOffset;
      this.vectorBuffer = vectorBuffer;
      this.inverseNorms = inverseNorms;
      this.normOffset = normOffset;
      this.ords = ords;
      this.ordOffset = ordOffset;
    }
  }

  /** Destination arrays of a loaded index. */
  private record Flat(
      long[] codes, float[] corrections, float[] vectors, float[] inverseNorms, int[] ords) {}

  private static Block decodeBlock(Head h, int c, ByteBuffer raw, Flat flat) {
    ByteBuffer buf = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int len = h.blockLengths[c];
    if (buf.remaining() != len) {
      throw corrupt(
          h.name, "cluster " + c + " block has " + buf.remaining() + " bytes, expected " + len);
    }
    checkCrc(h.name, buf, len, "cluster " + c + " block");
    int members = h.sizes[c];
    int storedCount = buf.getInt(0);
    int storedCluster = buf.getInt(4);
    if (storedCount != members || storedCluster != c) {
      throw corrupt(
          h.name,
          "cluster "
              + c
              + " block says cluster "
              + storedCluster
              + " with "
              + storedCount
              + " members, directory says "
              + members);
    }
    Quantization q = h.quantization;
    int d = h.dimension;
    int words = IvfFormat.words(d);
    int codesAt = (int) IvfFormat.codesOffset();
    int corrAt = (int) IvfFormat.correctionsOffset(q, d, members);
    int vecAt = (int) IvfFormat.vectorsOffset(q, d, members);
    int normAt = (int) IvfFormat.normsOffset(q, d, members);
    int ordAt = (int) IvfFormat.ordinalsOffset(q, d, members, h.normalized);
    int position = h.starts[c];
    long[] codes = null;
    int codeOffset = 0;
    float[] corr = null;
    int corrOffset = 0;
    float[] vectors = null;
    int vecOffset = 0;
    FloatBuffer vectorBuffer = null;
    float[] norms = null;
    int normOffset = 0;
    int[] ords;
    int ordOffset = 0;
    if (flat != null) {
      ords = flat.ords;
      ordOffset = position;
      norms = flat.inverseNorms;
      normOffset = position;
      vectors = flat.vectors;
      vecOffset = position * d;
      if (q == Quantization.BINARY) {
        codes = flat.codes;
        codeOffset = position * words;
        corr = flat.corrections;
        corrOffset = position * IvfFormat.CORRECTIONS;
      }
      slice(buf, vecAt, members * d * Float.BYTES)
          .asFloatBuffer()
          .get(vectors, vecOffset, members * d);
    } else {
      ords = new int[members];
      norms = h.normalized ? new float[members] : null;
      if (q == Quantization.BINARY) {
        codes = new long[members * words];
        corr = new float[members * IvfFormat.CORRECTIONS];
      }
      vectorBuffer = slice(buf, vecAt, members * d * Float.BYTES).asFloatBuffer();
    }
    if (codes != null) {
      slice(buf, codesAt, members * words * Long.BYTES)
          .asLongBuffer()
          .get(codes, codeOffset, members * words);
      slice(buf, corrAt, members * IvfFormat.CORRECTIONS * Float.BYTES)
          .asFloatBuffer()
          .get(corr, corrOffset, members * IvfFormat.CORRECTIONS);
    }
    if (norms != null) {
      slice(buf, normAt, members * Float.BYTES).asFloatBuffer().get(norms, normOffset, members);
    }
    slice(buf, ordAt, members * Integer.BYTES).asIntBuffer().get(ords, ordOffset, members);
    return new Block(
        c,
        members,
        codes,
        codeOffset,
        corr,
        corrOffset,
        vectors,
        vecOffset,
        vectorBuffer,
        norms,
        normOffset,
        ords,
        ordOffset);
  }

  private static int[] decodeMapping(Head h, ByteBuffer raw) {
    ByteBuffer buf = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long len = IvfFormat.mappingLength(h.count);
    if (buf.remaining() != len) {
      throw corrupt(h.name, "ordinal map has " + buf.remaining() + " bytes, expected " + len);
    }
    checkCrc(h.name, buf, (int) len, "ordinal map");
    int[] map = new int[h.count];
    slice(buf, 0, h.count * Integer.BYTES).asIntBuffer().get(map);
    for (int ord = 0; ord < map.length; ord++) {
      if (map[ord] < 0 || map[ord] >= h.count) {
        throw corrupt(h.name, "ordinal map sends ordinal " + ord + " to position " + map[ord]);
      }
    }
    return map;
  }

  private static ByteBuffer slice(ByteBuffer buf, int offset, int length) {
    return buf.slice(offset, length).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Checks the CRC32C stored in the 4 bytes before {@code end} against the bytes before it. */
  private static void checkCrc(String name, ByteBuffer buf, int end, String what) {
    CRC32C crc = new CRC32C();
    crc.update(buf.slice(0, end - Integer.BYTES));
    int stored = buf.getInt(end - Integer.BYTES);
    if ((int) crc.getValue() != stored) {
      throw corrupt(
          name,
          what
              + " checksum mismatch (stored "
              + Integer.toHexString(stored)
              + ", computed "
              + Integer.toHexString((int) crc.getValue())
              + ")");
    }
  }

  private static CorruptObjectException corrupt(String name, String reason) {
    return new CorruptObjectException(name, "vector index: " + reason);
  }

  /** The decoded head. */
  private static final class Head {
    String name;
    DistanceMetric metric;
    Quantization quantization;
    boolean normalized;
    int dimension;
    int count;
    int clusters;
    int headLength;
    float[] centroids;
    float[] biases;
    long[] blockOffsets;
    int[] blockLengths;
    int[] sizes;
    int[] starts;
    long mappingOffset;
  }

  private static Head readHead(RangeReader reader, String name, int prefetchBytes) {
    long length = reader.length();
    if (length < IvfFormat.HEADER_BYTES) {
      throw corrupt(
          name,
          "truncated: "
              + length
              + " bytes, shorter than the "
              + IvfFormat.HEADER_BYTES
              + "-byte header");
    }
    int prefetch = (int) Math.min(length, Math.max(IvfFormat.HEADER_BYTES, prefetchBytes));
    ByteBuffer first = reader.read(0, prefetch).duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int magic = first.getInt(0);
    if (magic != IvfFormat.MAGIC) {
      throw corrupt(name, "bad magic 0x" + Integer.toHexString(magic) + ", not a vector index");
    }
    int version = first.getInt(4);
    if (version != IvfFormat.VERSION) {
      throw corrupt(
          name,
          "unsupported format version "
              + version
              + " (this build reads "
              + IvfFormat.VERSION
              + ")");
    }
    Head h = new Head();
    h.name = name;
    h.metric = IvfFormat.metricFromCode(first.get(8));
    h.quantization = Quantization.fromCode(first.get(9));
    h.normalized = (first.get(10) & IvfFormat.FLAG_NORMALIZED) != 0;
    h.dimension = first.getInt(12);
    h.count = first.getInt(16);
    h.clusters = first.getInt(20);
    h.headLength = first.getInt(24);
    h.mappingOffset = first.getLong(32);
    long totalLength = first.getLong(40);
    if (h.metric == null || h.quantization == null) {
      throw corrupt(name, "unknown metric " + first.get(8) + " or quantization " + first.get(9));
    }
    if (h.normalized != (h.metric == DistanceMetric.COSINE)) {
      throw corrupt(name, "the normalized flag does not match metric " + h.metric);
    }
    if (h.dimension < 1 || h.count < 0 || h.clusters < 0 || h.clusters > Math.max(1, h.count)) {
      throw corrupt(
          name,
          "bad header: dimension "
              + h.dimension
              + ", count "
              + h.count
              + ", clusters "
              + h.clusters);
    }
    if (totalLength != length) {
      throw corrupt(
          name,
          (length < totalLength ? "truncated: " : "unexpected length: ")
              + length
              + " bytes, header says "
              + totalLength);
    }
    long expectedHead = IvfFormat.headLength(h.dimension, h.clusters);
    if (h.headLength != expectedHead || expectedHead > length) {
      throw corrupt(name, "bad head length " + h.headLength + ", expected " + expectedHead);
    }
    ByteBuffer head = first;
    if (h.headLength > prefetch) {
      ByteBuffer full = ByteBuffer.allocate(h.headLength).order(ByteOrder.LITTLE_ENDIAN);
      full.put(first.duplicate().position(0).limit(prefetch));
      full.put(reader.read(prefetch, h.headLength - prefetch).duplicate());
      head = full.flip().order(ByteOrder.LITTLE_ENDIAN);
    }
    int rawHead =
        IvfFormat.HEADER_BYTES
            + h.clusters * h.dimension * Float.BYTES
            + h.clusters * IvfFormat.DIRECTORY_ENTRY_BYTES
            + h.clusters * Float.BYTES
            + Integer.BYTES;
    checkCrc(name, head, rawHead, "head");
    h.centroids = new float[h.clusters * h.dimension];
    slice(head, IvfFormat.HEADER_BYTES, h.centroids.length * Float.BYTES)
        .asFloatBuffer()
        .get(h.centroids);
    h.blockOffsets = new long[h.clusters];
    h.blockLengths = new int[h.clusters];
    h.sizes = new int[h.clusters];
    h.starts = new int[h.clusters + 1];
    int dir = IvfFormat.HEADER_BYTES + h.centroids.length * Float.BYTES;
    long expectedOffset = h.headLength;
    for (int c = 0; c < h.clusters; c++) {
      int at = dir + c * IvfFormat.DIRECTORY_ENTRY_BYTES;
      h.blockOffsets[c] = head.getLong(at);
      h.blockLengths[c] = head.getInt(at + 8);
      h.sizes[c] = head.getInt(at + 12);
      if (h.sizes[c] < 0
          || h.blockOffsets[c] != expectedOffset
          || h.blockLengths[c]
              != IvfFormat.blockLength(h.quantization, h.dimension, h.sizes[c], h.normalized)) {
        throw corrupt(name, "bad directory entry for cluster " + c);
      }
      expectedOffset += h.blockLengths[c];
      h.starts[c + 1] = h.starts[c] + h.sizes[c];
    }
    h.biases = new float[h.clusters];
    slice(head, dir + h.clusters * IvfFormat.DIRECTORY_ENTRY_BYTES, h.clusters * Float.BYTES)
        .asFloatBuffer()
        .get(h.biases);
    if (h.starts[h.clusters] != h.count
        || h.mappingOffset != expectedOffset
        || h.mappingOffset + IvfFormat.mappingLength(h.count) != length) {
      throw corrupt(
          name, "directory does not add up to " + h.count + " vectors and " + length + " bytes");
    }
    return h;
  }

  private VectorSearchResult empty(boolean exact) {
    return new VectorSearchResult(new int[0], new float[0], new SearchStats(exact, 0, 0, 0, 0, 0));
  }

  private static VectorSearchResult result(TopK top, SearchStats stats) {
    long[] ids = new long[top.size()];
    float[] scores = new float[top.size()];
    int n = top.drainSorted(ids, scores);
    int[] ords = new int[n];
    for (int i = 0; i < n; i++) {
      ords[i] = (int) ids[i];
    }
    return new VectorSearchResult(ords, scores, stats);
  }
}
