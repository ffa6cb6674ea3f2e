package dev.shoal.engine.index.vector;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Distance kernels on vectors stored in flat arrays (vector {@code i} of dimension {@code d} at
 * offset {@code i * d}), and the bit kernels of the binary codes.
 *
 * <p>The float kernels run on the Vector API ({@code jdk.incubator.vector}) when the JVM was
 * started with {@code --add-modules jdk.incubator.vector}, and on unrolled scalar loops otherwise.
 * The choice is made once, when this class initializes, and logged at debug; the system property
 * {@code shoal.vector.impl=scalar|panama} forces one. Both give the same results up to float
 * rounding (the order of additions differs).
 *
 * <p>All methods are static, allocation-free and thread-safe.
 */
public final class VectorKernels {

  /** System property that forces an implementation: {@code scalar} or {@code panama}. */
  public static final String IMPL_PROPERTY = "shoal.vector.impl";

  private static final Logger LOG = LoggerFactory.getLogger(VectorKernels.class);
  private static final String PANAMA_CLASS = "dev.shoal.engine.index.vector.PanamaVectorOps";

  private static final VectorOps OPS = select(System.getProperty(IMPL_PROPERTY, ""));

  private VectorKernels() {}

  /** The implementation in use: {@code scalar} or {@code panama}. */
  public static String implementation() {
    return OPS.name();
  }

  /** Dot product of {@code a[aOffset..aOffset+len)} and {@code b[bOffset..bOffset+len)}. */
  public static float dot(float[] a, int aOffset, float[] b, int bOffset, int len) {
    return OPS.dot(a, aOffset, b, bOffset, len);
  }

  /** Dot product of two whole arrays of the same length. */
  public static float dot(float[] a, float[] b) {
    checkSameLength(a, b);
    return OPS.dot(a, 0, b, 0, a.length);
  }

  /** Squared euclidean distance. */
  public static float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int len) {
    return OPS.squareDistance(a, aOffset, b, bOffset, len);
  }

  /** Squared euclidean distance of two whole arrays of the same length. */
  public static float squareDistance(float[] a, float[] b) {
    checkSameLength(a, b);
    return OPS.squareDistance(a, 0, b, 0, a.length);
  }

  /** Cosine similarity, computing both norms in the same pass; 0 if either vector is zero. */
  public static float cosine(float[] a, int aOffset, float[] b, int bOffset, int len) {
    return OPS.cosine(a, aOffset, b, bOffset, len);
  }

  /** Cosine similarity of two whole arrays of the same length. */
  public static float cosine(float[] a, float[] b) {
    checkSameLength(a, b);
    return OPS.cosine(a, 0, b, 0, a.length);
  }

  /**
   * Cosine similarity from a dot product and precomputed squared norms: 0 (never NaN) when either
   * norm is 0, clamped to [-1, 1] against rounding.
   */
  public static float cosineFromParts(float dot, float squaredNormA, float squaredNormB) {
    float denominator = (float) Math.sqrt((double) squaredNormA * squaredNormB);
    if (!(denominator > 0f)) {
      return 0f;
    }
    float cos = dot / denominator;
    return Math.max(-1f, Math.min(1f, cos));
  }

  /** Euclidean norm. */
  public static float norm(float[] a, int offset, int len) {
    return (float) Math.sqrt(OPS.dot(a, offset, a, offset, len));
  }

  /**
   * Scales {@code a[offset..offset+len)} to unit length in place; a zero vector stays zero.
   *
   * @return the norm before scaling
   */
  public static float normalize(float[] a, int offset, int len) {
    float norm = norm(a, offset, len);
    if (norm > 0f) {
      float inv = inverse(norm);
      for (int i = offset, end = offset + len; i < end; i++) {
        a[i] *= inv;
      }
    }
    return norm;
  }

  /** {@code 1 / |a|} over {@code a[offset..offset+len)}, 0 for a zero vector. */
  public static float inverseNorm(float[] a, int offset, int len) {
    return inverse(norm(a, offset, len));
  }

  private static float inverse(float norm) {
    return norm > 0f ? 1f / norm : 0f;
  }

  /** Dot product of signed bytes. */
  public static int dotInt8(byte[] a, int aOffset, byte[] b, int bOffset, int len) {
    return OPS.dotInt8(a, aOffset, b, bOffset, len);
  }

  /**
   * Inner product of a 1-bit code with a 4-bit query given as bit planes: {@code sum_i b_i * q_i}
   * where {@code b_i} is bit {@code i} of {@code code[codeOffset..codeOffset+words)} and bit {@code
   * i} of {@code q_i} plane {@code j} is bit {@code i % 64} of {@code planes[4 * (i / 64) + j]}
   * (planes interleaved per word, so both arrays are read sequentially). Four popcounts per 64
   * dimensions; {@link Long#bitCount} compiles to one instruction, so this stays scalar in both
   * implementations.
   */
  public static long int4BitDot(long[] code, int codeOffset, long[] planes, int words) {
    long p0 = 0, p1 = 0, p2 = 0, p3 = 0;
    for (int w = 0; w < words; w++) {
      long c = code[codeOffset + w];
      int p = w << 2;
      p0 += Long.bitCount(c & planes[p]);
      p1 += Long.bitCount(c & planes[p + 1]);
      p2 += Long.bitCount(c & planes[p + 2]);
      p3 += Long.bitCount(c & planes[p + 3]);
    }
    return p0 + (p1 << 1) + (p2 << 2) + (p3 << 3);
  }

  /**
   * {@link #int4BitDot} of each of {@code count} consecutive codes of {@code words} words starting
   * at {@code codes[offset]}, into {@code out[0..count)}: the scan of one cluster. Up to 128
   * dimensions (one or two words) the planes stay in registers and the loop runs over codes alone;
   * the per-code loop above spends about as long on its own bookkeeping as on the popcounts.
   */
  public static void int4BitDots(
      long[] codes, int offset, int count, long[] planes, int words, int[] out) {
    if (words == 1) {
      long a0 = planes[0], a1 = planes[1], a2 = planes[2], a3 = planes[3];
      for (int j = 0; j < count; j++) {
        long c = codes[offset + j];
        out[j] =
            Long.bitCount(c & a0)
                + (Long.bitCount(c & a1) << 1)
                + (Long.bitCount(c & a2) << 2)
                + (Long.bitCount(c & a3) << 3);
      }
    } else if (words == 2) {
      long a0 = planes[0], a1 = planes[1], a2 = planes[2], a3 = planes[3];
      long b0 = planes[4], b1 = planes[5], b2 = planes[6], b3 = planes[7];
      for (int j = 0; j < count; j++) {
        int o = offset + 2 * j;
        long c = codes[o];
        long d = codes[o + 1];
        out[j] =
            (Long.bitCount(c & a0) + Long.bitCount(d & b0))
                + ((Long.bitCount(c & a1) + Long.bitCount(d & b1)) << 1)
                + ((Long.bitCount(c & a2) + Long.bitCount(d & b2)) << 2)
                + ((Long.bitCount(c & a3) + Long.bitCount(d & b3)) << 3);
      }
    } else {
      for (int j = 0; j < count; j++) {
        out[j] = (int) int4BitDot(codes, offset + j * words, planes, words);
      }
    }
  }

  /** Number of set bits in {@code code[offset..offset+words)}. */
  public static int bitCount(long[] code, int offset, int words) {
    int n = 0;
    for (int w = 0; w < words; w++) {
      n += Long.bitCount(code[offset + w]);
    }
    return n;
  }

  /** The scalar kernels, whatever was selected; for tests and benchmarks. */
  static VectorOps scalar() {
    return ScalarVectorOps.INSTANCE;
  }

  /** The Vector API kernels, or null when this runtime does not have the incubator module. */
  static VectorOps panamaOrNull() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      return (VectorOps)
          Class.forName(PANAMA_CLASS, true, VectorKernels.class.getClassLoader())
              .getDeclaredConstructor()
              .newInstance();
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      LOG.debug("Cannot load the Vector API kernels, using scalar ones", e);
      return null;
    }
  }

  static VectorOps select(String forced) {
    String choice = forced.trim().toLowerCase(Locale.ROOT);
    VectorOps ops;
    if (choice.equals("scalar")) {
      ops = scalar();
    } else {
      if (!choice.isEmpty() && !choice.equals("panama")) {
        LOG.warn("Ignoring {}={}: expected scalar or panama", IMPL_PROPERTY, forced);
      }
      VectorOps panama = panamaOrNull();
      if (panama == null && choice.equals("panama")) {
        LOG.warn(
            "Cannot use the Vector API kernels forced by {}=panama: start the JVM with"
                + " --add-modules jdk.incubator.vector; using scalar kernels",
            IMPL_PROPERTY);
      }
      ops = panama != null ? panama : scalar();
    }
    LOG.debug("Vector kernels: {}", ops.name());
    return ops;
  }

  private static void checkSameLength(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "Cannot compare vectors: dimensions differ (" + a.length + " and " + b.length + ")");
    }
  }
}
