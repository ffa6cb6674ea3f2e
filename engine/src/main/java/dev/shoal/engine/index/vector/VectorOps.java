package dev.shoal.engine.index.vector;

/**
 * Float kernels with one implementation per instruction set. {@link VectorKernels} picks one at
 * start-up; implementations are stateless and thread-safe.
 *
 * <p>Every method reads {@code len} floats of each array from the given offsets and does not check
 * bounds beyond what the JVM does; callers validate lengths once per query, not per call.
 */
interface VectorOps {

  /** A short name for logs and benchmarks: {@code scalar} or {@code panama}. */
  String name();

  float dot(float[] a, int aOffset, float[] b, int bOffset, int len);

  float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int len);

  /** Cosine similarity in one pass; 0 when either vector is zero. */
  float cosine(float[] a, int aOffset, float[] b, int bOffset, int len);

  /** Dot product of signed bytes, as an exact int. */
  int dotInt8(byte[] a, int aOffset, byte[] b, int bOffset, int len);
}
