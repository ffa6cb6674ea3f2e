package dev.shoal.engine.index.vector;

/**
 * Plain Java kernels for runtimes without the Vector API (sink JVMs, or {@code
 * -Dshoal.vector.impl=scalar}). The loops are unrolled with independent accumulators so that the
 * additions do not wait on each other; C2 does not vectorize float reductions by itself because it
 * must keep their order.
 */
final class ScalarVectorOps implements VectorOps {

  static final ScalarVectorOps INSTANCE = new ScalarVectorOps();

  private ScalarVectorOps() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public float dot(float[] a, int aOffset, float[] b, int bOffset, int len) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int i = 0;
    for (int upper = len & ~7; i < upper; i += 8) {
      int x = aOffset + i;
      int y = bOffset + i;
      s0 += a[x] * b[y];
      s1 += a[x + 1] * b[y + 1];
      s2 += a[x + 2] * b[y + 2];
      s3 += a[x + 3] * b[y + 3];
      s4 += a[x + 4] * b[y + 4];
      s5 += a[x + 5] * b[y + 5];
      s6 += a[x + 6] * b[y + 6];
      s7 += a[x + 7] * b[y + 7];
    }
    for (; i < len; i++) {
      s0 += a[aOffset + i] * b[bOffset + i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  @Override
  public float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int len) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int i = 0;
    for (int upper = len & ~7; i < upper; i += 8) {
      int x = aOffset + i;
      int y = bOffset + i;
      float d0 = a[x] - b[y];
      float d1 = a[x + 1] - b[y + 1];
      float d2 = a[x + 2] - b[y + 2];
      float d3 = a[x + 3] - b[y + 3];
      float d4 = a[x + 4] - b[y + 4];
      float d5 = a[x + 5] - b[y + 5];
      float d6 = a[x + 6] - b[y + 6];
      float d7 = a[x + 7] - b[y + 7];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
      s4 += d4 * d4;
      s5 += d5 * d5;
      s6 += d6 * d6;
      s7 += d7 * d7;
    }
    for (; i < len; i++) {
      float d = a[aOffset + i] - b[bOffset + i];
      s0 += d * d;
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  @Override
  public float cosine(float[] a, int aOffset, float[] b, int bOffset, int len) {
    float d0 = 0, d1 = 0, d2 = 0, d3 = 0;
    float na0 = 0, na1 = 0, na2 = 0, na3 = 0;
    float nb0 = 0, nb1 = 0, nb2 = 0, nb3 = 0;
    int i = 0;
    for (int upper = len & ~3; i < upper; i += 4) {
      int x = aOffset + i;
      int y = bOffset + i;
      float a0 = a[x], a1 = a[x + 1], a2 = a[x + 2], a3 = a[x + 3];
      float b0 = b[y], b1 = b[y + 1], b2 = b[y + 2], b3 = b[y + 3];
      d0 += a0 * b0;
      d1 += a1 * b1;
      d2 += a2 * b2;
      d3 += a3 * b3;
      na0 += a0 * a0;
      na1 += a1 * a1;
      na2 += a2 * a2;
      na3 += a3 * a3;
      nb0 += b0 * b0;
      nb1 += b1 * b1;
      nb2 += b2 * b2;
      nb3 += b3 * b3;
    }
    for (; i < len; i++) {
      float av = a[aOffset + i];
      float bv = b[bOffset + i];
      d0 += av * bv;
      na0 += av * av;
      nb0 += bv * bv;
    }
    return VectorKernels.cosineFromParts(
        (d0 + d1) + (d2 + d3), (na0 + na1) + (na2 + na3), (nb0 + nb1) + (nb2 + nb3));
  }

  @Override
  public int dotInt8(byte[] a, int aOffset, byte[] b, int bOffset, int len) {
    int s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (int upper = len & ~3; i < upper; i += 4) {
      int x = aOffset + i;
      int y = bOffset + i;
      s0 += a[x] * b[y];
      s1 += a[x + 1] * b[y + 1];
      s2 += a[x + 2] * b[y + 2];
      s3 += a[x + 3] * b[y + 3];
    }
    for (; i < len; i++) {
      s0 += a[aOffset + i] * b[bOffset + i];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
