package dev.shoal.engine.index.vector;

import dev.shoal.engine.model.DistanceMetric;

/**
 * The byte layout of a vector index (all little-endian). One index is one section of a segment
 * object.
 *
 * <pre>
 * head (read first, cached by an open index):
 *   header, 64 bytes: int magic "SHVX", int version, byte metric, byte quantization, byte flags,
 *     byte 0, int dimension, int count, int clusters, int headLength, int 0,
 *     long mappingOffset, long totalLength, 16 bytes 0
 *   centroids: clusters x dimension float
 *   directory: clusters x (long blockOffset, int blockLength, int memberCount)
 *   probe biases: clusters x float (clusters are probed by 2 &lt;q, c&gt; + bias: -|c|^2 for
 *     euclidean and cosine; for dot, -|c'|^2 of the centroid in the space where maximum inner
 *     product is nearest neighbour, x' = (x, sqrt(M^2 - |x|^2)))
 *   int CRC32C of the head so far, then zero padding to a multiple of 8
 * cluster blocks, one contiguous range per cluster, in cluster order:
 *   int memberCount, int cluster
 *   codes: memberCount x codeBytes (BINARY: ceil(dimension / 64) longs of residual sign bits)
 *   corrections: memberCount x 4 float (BINARY: |r|, 1 / &lt;o_bar, o&gt;, &lt;r, c&gt;, popcount)
 *   vectors: memberCount x dimension float (as written, full precision)
 *   inverse norms (cosine only, flag NORMALIZED): memberCount x float (1 / |v|, 0 for a zero
 *     vector), so that a re-score is one dot product with the unit query
 *   ordinals: memberCount x int (segment ordinals)
 *   int CRC32C of the block so far
 * ordinal map: count x int (ordinal to position, positions numbered in block order), int CRC32C
 * </pre>
 *
 * A search reads the head, then the probed blocks in one parallel round; the ordinal map is read
 * only by exact searches over a few allowed ordinals and by vector lookups.
 *
 * <p>The vectors are the only copy a segment keeps (version 2; version 1 stored unit vectors for
 * cosine, and the segment kept the vectors as written a second time). With NORMALIZED, the
 * centroids, probe biases and codes are of the unit vectors.
 */
final class IvfFormat {

  static final int MAGIC = 0x58564853; // "SHVX" in little-endian byte order
  static final int VERSION = 2;
  static final int HEADER_BYTES = 64;
  static final int DIRECTORY_ENTRY_BYTES = 16;
  static final int BLOCK_HEADER_BYTES = 8;
  static final int CORRECTIONS = 4;
  static final int FLAG_NORMALIZED = 1;

  private IvfFormat() {}

  static int metricCode(DistanceMetric metric) {
    switch (metric) {
      case COSINE:
        return 0;
      case EUCLIDEAN:
        return 1;
      case DOT:
        return 2;
      default:
        throw new AssertionError(metric);
    }
  }

  static DistanceMetric metricFromCode(int code) {
    switch (code) {
      case 0:
        return DistanceMetric.COSINE;
      case 1:
        return DistanceMetric.EUCLIDEAN;
      case 2:
        return DistanceMetric.DOT;
      default:
        return null;
    }
  }

  /** Longs per binary code. */
  static int words(int dimension) {
    return (dimension + 63) >>> 6;
  }

  static int codeBytes(Quantization quantization, int dimension) {
    return quantization == Quantization.BINARY ? words(dimension) * Long.BYTES : 0;
  }

  static int correctionBytes(Quantization quantization) {
    return quantization == Quantization.BINARY ? CORRECTIONS * Float.BYTES : 0;
  }

  static long headLength(int dimension, int clusters) {
    long raw =
        HEADER_BYTES
            + (long) clusters * dimension * Float.BYTES
            + (long) clusters * DIRECTORY_ENTRY_BYTES
            + (long) clusters * Float.BYTES
            + Integer.BYTES;
    return (raw + 7) & ~7L;
  }

  static long codesOffset() {
    return BLOCK_HEADER_BYTES;
  }

  static long correctionsOffset(Quantization q, int dimension, int members) {
    return codesOffset() + (long) members * codeBytes(q, dimension);
  }

  static long vectorsOffset(Quantization q, int dimension, int members) {
    return correctionsOffset(q, dimension, members) + (long) members * correctionBytes(q);
  }

  static long normsOffset(Quantization q, int dimension, int members) {
    return vectorsOffset(q, dimension, members) + (long) members * dimension * Float.BYTES;
  }

  static long ordinalsOffset(Quantization q, int dimension, int members, boolean normalized) {
    return normsOffset(q, dimension, members) + (normalized ? (long) members * Float.BYTES : 0);
  }

  static long blockLength(Quantization q, int dimension, int members, boolean normalized) {
    return ordinalsOffset(q, dimension, members, normalized)
        + (long) members * Integer.BYTES
        + Integer.BYTES;
  }

  static long mappingLength(int count) {
    return (long) count * Integer.BYTES + Integer.BYTES;
  }
}
