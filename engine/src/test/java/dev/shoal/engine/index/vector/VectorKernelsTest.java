package dev.shoal.engine.index.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorKernelsTest {

  static final long SEED = 20261123L;

  @Test
  void scalarKernelsMatchDoublePrecisionReference() {
    checkAgainstReference(VectorKernels.scalar(), SEED);
  }

  @Test
  void selectedKernelsMatchDoublePrecisionReference() {
    checkAgainstReference(VectorKernelsTest.selected(), SEED + 1);
  }

  @Test
  void forcingScalarPicksScalar() {
    assertThat(VectorKernels.select("scalar").name()).isEqualTo("scalar");
    assertThat(VectorKernels.select(" SCALAR ").name()).isEqualTo("scalar");
  }

  @Test
  void cosineOfZeroVectorIsZeroNotNaN() {
    float[] zero = new float[5];
    float[] v = {1, 2, 3, 4, 5};
    assertThat(VectorKernels.cosine(zero, v)).isEqualTo(0f);
    assertThat(VectorKernels.cosine(zero, zero)).isEqualTo(0f);
    assertThat(VectorKernels.cosineFromParts(3f, 0f, 2f)).isEqualTo(0f);
    assertThat(VectorKernels.cosine(v, v)).isCloseTo(1f, within(1e-6f));
  }

  @Test
  void normalizeLeavesZeroVectorAlone() {
    float[] a = {0, 0, 0, 3, 4};
    assertThat(VectorKernels.normalize(a, 3, 2)).isEqualTo(5f);
    assertThat(a).containsExactly(0, 0, 0, 0.6f, 0.8f);
    float[] z = new float[3];
    assertThat(VectorKernels.normalize(z, 0, 3)).isEqualTo(0f);
    assertThat(z).containsExactly(0, 0, 0);
  }

  @Test
  void wholeArrayKernelsRejectDifferentDimensions() {
    assertThatThrownBy(() -> VectorKernels.dot(new float[3], new float[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot compare vectors: dimensions differ (3 and 4)");
  }

  @Test
  void int4BitDotMatchesPerDimensionSum() {
    Random r = new Random(SEED);
    for (int dim : new int[] {1, 5, 63, 64, 65, 128, 200, 768}) {
      int words = IvfFormat.words(dim);
      long[] code = new long[words + 2];
      long[] planes = new long[4 * words];
      int[] u = new int[dim];
      boolean[] bits = new boolean[dim];
      for (int i = 0; i < dim; i++) {
        bits[i] = r.nextBoolean();
        u[i] = r.nextInt(16);
        if (bits[i]) {
          code[1 + (i >>> 6)] |= 1L << (i & 63);
        }
        for (int j = 0; j < 4; j++) {
          if (((u[i] >> j) & 1) != 0) {
            planes[4 * (i >>> 6) + j] |= 1L << (i & 63);
          }
        }
      }
      long expected = 0;
      int pop = 0;
      for (int i = 0; i < dim; i++) {
        if (bits[i]) {
          expected += u[i];
          pop++;
        }
      }
      assertThat(VectorKernels.int4BitDot(code, 1, planes, words))
          .as("dim %d seed %d", dim, SEED)
          .isEqualTo(expected);
      assertThat(VectorKernels.bitCount(code, 1, words)).isEqualTo(pop);
    }
  }

  @Test
  void int4BitDotsOfABlockMatchPerDimensionSums() {
    Random r = new Random(SEED);
    // One and two words take the unrolled loops, the others the per-code one.
    for (int dim : new int[] {1, 40, 64, 65, 100, 128, 129, 768}) {
      int words = IvfFormat.words(dim);
      int count = 1 + r.nextInt(40);
      int offset = r.nextInt(3);
      long[] codes = new long[offset + count * words + 1];
      for (int i = 0; i < codes.length; i++) {
        codes[i] = r.nextLong();
      }
      long[] planes = new long[4 * words];
      int[] u = new int[dim];
      for (int i = 0; i < dim; i++) {
        u[i] = r.nextInt(16);
        for (int j = 0; j < 4; j++) {
          if (((u[i] >> j) & 1) != 0) {
            planes[4 * (i >>> 6) + j] |= 1L << (i & 63);
          }
        }
      }
      int[] out = new int[count + 1];
      out[count] = -7;
      VectorKernels.int4BitDots(codes, offset, count, planes, words, out);
      for (int c = 0; c < count; c++) {
        int expected = 0;
        for (int i = 0; i < dim; i++) {
          if ((codes[offset + c * words + (i >>> 6)] >>> (i & 63) & 1) != 0) {
            expected += u[i];
          }
        }
        assertThat(out[c]).as("dim %d code %d seed %d", dim, c, SEED).isEqualTo(expected);
      }
      assertThat(out[count]).as("written past count").isEqualTo(-7);
    }
  }

  static VectorOps selected() {
    return VectorKernels.select("");
  }

  /** Random lengths 0..300 (odd ones included) at random offsets against a double reference. */
  static void checkAgainstReference(VectorOps ops, long seed) {
    Random r = new Random(seed);
    for (int iter = 0; iter < 400; iter++) {
      int len = iter < 40 ? iter : r.nextInt(301);
      int aOff = r.nextInt(7);
      int bOff = r.nextInt(7);
      float[] a = new float[aOff + len + r.nextInt(3)];
      float[] b = new float[bOff + len + r.nextInt(3)];
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) (r.nextGaussian() * 3);
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) (r.nextGaussian() * 3);
      }
      double dot = 0, l2 = 0, na = 0, nb = 0, mag = 0, magL2 = 0;
      for (int i = 0; i < len; i++) {
        double x = a[aOff + i];
        double y = b[bOff + i];
        dot += x * y;
        mag += Math.abs(x * y);
        l2 += (x - y) * (x - y);
        na += x * x;
        nb += y * y;
      }
      magL2 = l2;
      double cos = na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
      String msg = ops.name() + " len " + len + " seed " + seed + " iteration " + iter;
      assertThat((double) ops.dot(a, aOff, b, bOff, len))
          .as(msg)
          .isCloseTo(dot, within(1e-5 * mag + 1e-6));
      assertThat((double) ops.squareDistance(a, aOff, b, bOff, len))
          .as(msg)
          .isCloseTo(l2, within(1e-5 * magL2 + 1e-6));
      assertThat((double) ops.cosine(a, aOff, b, bOff, len)).as(msg).isCloseTo(cos, within(1e-4));

      byte[] x = new byte[aOff + len];
      byte[] y = new byte[bOff + len];
      r.nextBytes(x);
      r.nextBytes(y);
      int expected = 0;
      for (int i = 0; i < len; i++) {
        expected += x[aOff + i] * y[bOff + i];
      }
      assertThat(ops.dotInt8(x, aOff, y, bOff, len)).as(msg).isEqualTo(expected);
    }
  }
}
