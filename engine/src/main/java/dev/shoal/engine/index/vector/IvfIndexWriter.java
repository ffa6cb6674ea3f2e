package dev.shoal.engine.index.vector;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.model.DistanceMetric;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.Executor;
import java.util.zip.CRC32C;

/**
 * Builds the bytes of one segment's vector index (layout in {@link IvfFormat}): k-means clusters
 * over the segment's vectors, each stored as one contiguous block with its codes, full-precision
 * vectors and ordinals. Segments smaller than {@link Builder#flatThreshold} get a flat index (one
 * block, no codes) that is always searched exactly.
 *
 * <p>Vector {@code i} of the input (at offset {@code i * dimension}) gets segment ordinal {@code
 * i}. Vectors are stored as written, so the index is the segment's only copy of them; cosine
 * indexes cluster and quantize the unit vectors and store each vector's inverse norm beside it (a
 * zero vector scores 0 against anything).
 *
 * <p>A writer is immutable and thread-safe; {@link #write} may run concurrently on several inputs.
 *
 * <pre>{@code
 * byte[] index = IvfIndexWriter.builder(DistanceMetric.COSINE, 768).build().write(vectors);
 * }</pre>
 */
public final class IvfIndexWriter {

  /** Segments with fewer vectors than this get a flat index by default. */
  public static final int DEFAULT_FLAT_THRESHOLD = 2048;

  private final DistanceMetric metric;
  private final int dimension;
  private final int clusters;
  private final int iterations;
  private final int sampleSize;
  private final Quantization quantization;
  private final int flatThreshold;
  private final long seed;
  private final Executor executor;

  private IvfIndexWriter(Builder b) {
    this.metric = b.metric;
    this.dimension = b.dimension;
    this.clusters = b.clusters;
    this.iterations = b.iterations;
    this.sampleSize = b.sampleSize;
    this.quantization = b.quantization;
    this.flatThreshold = b.flatThreshold;
    this.seed = b.seed;
    this.executor = b.executor;
  }

  public static Builder builder(DistanceMetric metric, int dimension) {
    return new Builder(metric, dimension);
  }

  /**
   * The default cluster count for {@code n} vectors: about sqrt(n), so centroid scoring and the
   * scan of probed clusters cost about the same.
   */
  public static int defaultClusters(int n) {
    return Math.max(1, Math.min(65_536, (int) Math.round(Math.sqrt(n))));
  }

  /**
   * Builds the index of {@code vectors.length / dimension} vectors into a byte array.
   *
   * @throws IllegalArgumentException if the length is not a multiple of the dimension or a value is
   *     not finite
   */
  public byte[] write(float[] vectors) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(vectors, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Builds the index and streams it to {@code out}, one cluster block at a time.
   *
   * @return the number of bytes written
   */
  public long write(float[] vectors, OutputStream out) throws IOException {
    requireNonNull(vectors, "vectors is null");
    requireNonNull(out, "out is null");
    int d = dimension;
    if (vectors.length % d != 0) {
      throw new IllegalArgumentException(
          "Cannot build vector index: "
              + vectors.length
              + " floats is not a multiple of the dimension "
              + d);
    }
    int n = vectors.length / d;
    for (int i = 0; i < vectors.length; i++) {
      if (!Float.isFinite(vectors[i])) {
        throw new IllegalArgumentException(
            "Cannot build vector index: vector "
                + (i / d)
                + " has a non-finite value "
                + vectors[i]
                + " at index "
                + (i % d));
      }
    }
    // Clustering and codes work on unit vectors for cosine; the blocks keep the input.
    float[] data = vectors;
    float[] inverseNorms = null;
    boolean normalized = metric == DistanceMetric.COSINE;
    if (normalized) {
      data = vectors.clone();
      inverseNorms = new float[n];
      for (int i = 0; i < n; i++) {
        inverseNorms[i] = VectorKernels.inverseNorm(vectors, i * d, d);
        VectorKernels.normalize(data, i * d, d);
      }
    }

    int k;
    Quantization q;
    float[] centroids;
    int[] assignment;
    int[] sizes;
    float[] biases = null;
    if (n == 0) {
      k = 0;
      q = Quantization.NONE;
      centroids = new float[0];
      assignment = new int[0];
      sizes = new int[0];
    } else if (n < flatThreshold) {
      k = 1;
      q = Quantization.NONE;
      centroids = new float[d];
      assignment = new int[n];
      sizes = new int[] {n};
    } else {
      k = Math.min(n, clusters > 0 ? clusters : defaultClusters(n));
      q = quantization;
      int sample = sampleSize > 0 ? sampleSize : Math.max(10_000, 64 * k);
      if (metric == DistanceMetric.DOT) {
        // Maximum inner product is nearest neighbour after appending sqrt(M^2 - |x|^2) to each
        // vector (M the largest norm); clustering there groups what a dot query should probe.
        int da = d + 1;
        float maxNorm2 = 0f;
        for (int i = 0; i < n; i++) {
          maxNorm2 = Math.max(maxNorm2, VectorKernels.dot(data, i * d, data, i * d, d));
        }
        float[] augmented = new float[n * da];
        for (int i = 0; i < n; i++) {
          System.arraycopy(data, i * d, augmented, i * da, d);
          float norm2 = VectorKernels.dot(data, i * d, data, i * d, d);
          augmented[i * da + d] = (float) Math.sqrt(Math.max(0f, maxNorm2 - norm2));
        }
        KMeans.Result r =
            new KMeans(da, executor).cluster(augmented, n, k, iterations, sample, seed);
        centroids = new float[k * d];
        biases = new float[k];
        for (int c = 0; c < k; c++) {
          System.arraycopy(r.centroids(), c * da, centroids, c * d, d);
          biases[c] = -VectorKernels.dot(r.centroids(), c * da, r.centroids(), c * da, da);
        }
        assignment = r.assignment();
        sizes = r.sizes();
      } else {
        KMeans.Result r = new KMeans(d, executor).cluster(data, n, k, iterations, sample, seed);
        centroids = r.centroids();
        assignment = r.assignment();
        sizes = r.sizes();
      }
    }
    if (biases == null) {
      biases = new float[k];
      for (int c = 0; c < k; c++) {
        biases[c] = -VectorKernels.dot(centroids, c * d, centroids, c * d, d);
      }
    }

    // Positions: members of cluster 0 first, then cluster 1, ...; ordinals ascending inside.
    int[] start = new int[k + 1];
    for (int c = 0; c < k; c++) {
      start[c + 1] = start[c] + sizes[c];
    }
    int[] members = new int[n];
    int[] ordToPos = new int[n];
    int[] fill = start.clone();
    for (int ord = 0; ord < n; ord++) {
      int pos = fill[assignment[ord]]++;
      members[pos] = ord;
      ordToPos[ord] = pos;
    }

    long headLength = IvfFormat.headLength(d, k);
    long[] blockOffsets = new long[k];
    int[] blockLengths = new int[k];
    long offset = headLength;
    for (int c = 0; c < k; c++) {
      long len = IvfFormat.blockLength(q, d, sizes[c], normalized);
      if (len > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "Cannot build vector index: cluster "
                + c
                + " has "
                + sizes[c]
                + " vectors, too many for one block; use more clusters");
      }
      blockOffsets[c] = offset;
      blockLengths[c] = (int) len;
      offset += len;
    }
    long mappingOffset = offset;
    long totalLength = mappingOffset + IvfFormat.mappingLength(n);
    if (headLength > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "Cannot build vector index: " + k + " centroids of dimension " + d + " are too many");
    }

    ByteBuffer head = buffer((int) headLength);
    head.putInt(IvfFormat.MAGIC)
        .putInt(IvfFormat.VERSION)
        .put((byte) IvfFormat.metricCode(metric))
        .put((byte) q.code())
        .put((byte) (normalized ? IvfFormat.FLAG_NORMALIZED : 0))
        .put((byte) 0)
        .putInt(d)
        .putInt(n)
        .putInt(k)
        .putInt((int) headLength)
        .putInt(0)
        .putLong(mappingOffset)
        .putLong(totalLength);
    head.position(IvfFormat.HEADER_BYTES);
    for (float v : centroids) {
      head.putFloat(v);
    }
    for (int c = 0; c < k; c++) {
      head.putLong(blockOffsets[c]).putInt(blockLengths[c]).putInt(sizes[c]);
    }
    for (float b : biases) {
      head.putFloat(b);
    }
    putCrc(head);
    long written = emit(head, out);

    for (int c = 0; c < k; c++) {
      ByteBuffer block = buffer(blockLengths[c]);
      writeBlock(block, q, c, centroids, data, vectors, inverseNorms, members, start[c], sizes[c]);
      written += emit(block, out);
    }

    ByteBuffer mapping = buffer((int) IvfFormat.mappingLength(n));
    for (int ord = 0; ord < n; ord++) {
      mapping.putInt(ordToPos[ord]);
    }
    putCrc(mapping);
    written += emit(mapping, out);
    if (written != totalLength) {
      throw new IllegalStateException("wrote " + written + " bytes, planned " + totalLength);
    }
    return written;
  }

  private void writeBlock(
      ByteBuffer block,
      Quantization q,
      int cluster,
      float[] centroids,
      float[] data,
      float[] vectors,
      float[] inverseNorms,
      int[] members,
      int from,
      int count) {
    int d = dimension;
    block.putInt(count).putInt(cluster);
    if (q == Quantization.BINARY) {
      int words = IvfFormat.words(d);
      long[] code = new long[words];
      float[] corrections = new float[count * IvfFormat.CORRECTIONS];
      float sqrtD = (float) Math.sqrt(d);
      int cOff = cluster * d;
      for (int m = 0; m < count; m++) {
        int off = members[from + m] * d;
        java.util.Arrays.fill(code, 0L);
        double norm2 = 0;
        double abs = 0;
        double rc = 0;
        for (int j = 0; j < d; j++) {
          float r = data[off + j] - centroids[cOff + j];
          if (r > 0f) {
            code[j >>> 6] |= 1L << (j & 63);
          }
          norm2 += (double) r * r;
          abs += Math.abs(r);
          rc += (double) r * centroids[cOff + j];
        }
        for (long w : code) {
          block.putLong(w);
        }
        float rNorm = (float) Math.sqrt(norm2);
        // <o_bar, o> = |r|_1 / (sqrt(D) |r|_2), at least 1 / sqrt(D) for a non-zero residual.
        float invX0 = rNorm > 0f ? (float) (sqrtD * Math.sqrt(norm2) / abs) : 0f;
        int c4 = m * IvfFormat.CORRECTIONS;
        corrections[c4] = rNorm;
        corrections[c4 + 1] = invX0;
        corrections[c4 + 2] = (float) rc;
        corrections[c4 + 3] = VectorKernels.bitCount(code, 0, words);
      }
      for (float v : corrections) {
        block.putFloat(v);
      }
    }
    FloatBuffer floats = block.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    for (int m = 0; m < count; m++) {
      floats.put(vectors, members[from + m] * d, d);
    }
    if (inverseNorms != null) {
      for (int m = 0; m < count; m++) {
        floats.put(inverseNorms[members[from + m]]);
      }
    }
    block.position(block.position() + floats.position() * Float.BYTES);
    for (int m = 0; m < count; m++) {
      block.putInt(members[from + m]);
    }
    putCrc(block);
  }

  private static ByteBuffer buffer(int length) {
    return ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Appends the CRC32C of everything before the current position. */
  private static void putCrc(ByteBuffer buf) {
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, buf.position());
    buf.putInt((int) crc.getValue());
  }

  private static long emit(ByteBuffer buf, OutputStream out) throws IOException {
    // Trailing bytes after the CRC are zero padding.
    out.write(buf.array(), 0, buf.capacity());
    return buf.capacity();
  }

  /** Validated settings of an {@link IvfIndexWriter}. Not thread-safe. */
  public static final class Builder {
    private final DistanceMetric metric;
    private final int dimension;
    private int clusters;
    private int iterations = 10;
    private int sampleSize;
    private Quantization quantization = Quantization.BINARY;
    private int flatThreshold = DEFAULT_FLAT_THRESHOLD;
    private long seed = 42;
    private Executor executor;

    private Builder(DistanceMetric metric, int dimension) {
      this.metric = requireNonNull(metric, "metric is null");
      if (dimension < 1) {
        throw new IllegalArgumentException(
            "Cannot build vector index: dimension must be at least 1, got " + dimension);
      }
      this.dimension = dimension;
    }

    /** Number of clusters; 0 (the default) picks about sqrt(n). */
    public Builder clusters(int clusters) {
      if (clusters < 0) {
        throw new IllegalArgumentException("Cannot set clusters: negative value " + clusters);
      }
      this.clusters = clusters;
      return this;
    }

    /** Lloyd iterations on the training sample; default 10. */
    public Builder kmeansIterations(int iterations) {
      if (iterations < 0 || iterations > 1000) {
        throw new IllegalArgumentException(
            "Cannot set k-means iterations: expected 0 to 1000, got " + iterations);
      }
      this.iterations = iterations;
      return this;
    }

    /** Vectors k-means trains on; 0 (the default) takes max(10000, 64 per cluster). */
    public Builder trainingSampleSize(int sampleSize) {
      if (sampleSize < 0) {
        throw new IllegalArgumentException(
            "Cannot set training sample size: negative value " + sampleSize);
      }
      this.sampleSize = sampleSize;
      return this;
    }

    /** Codes for the scan of probed clusters; default {@link Quantization#BINARY}. */
    public Builder quantization(Quantization quantization) {
      this.quantization = requireNonNull(quantization, "quantization is null");
      return this;
    }

    /** Segments with fewer vectors get a flat index; default {@value #DEFAULT_FLAT_THRESHOLD}. */
    public Builder flatThreshold(int flatThreshold) {
      if (flatThreshold < 0) {
        throw new IllegalArgumentException(
            "Cannot set flat threshold: negative value " + flatThreshold);
      }
      this.flatThreshold = flatThreshold;
      return this;
    }

    /**
     * Seed of the k-means sampling and initialization; the same input and seed give the same bytes.
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Runs the k-means assignment passes on this executor; by default the calling thread. */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor is null");
      return this;
    }

    public IvfIndexWriter build() {
      return new IvfIndexWriter(this);
    }
  }
}
