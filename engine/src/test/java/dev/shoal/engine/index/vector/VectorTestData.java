package dev.shoal.engine.index.vector;

import dev.shoal.engine.index.Bits;
import dev.shoal.engine.model.DistanceMetric;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Random;

/** Seeded vectors, filters and a double-precision brute-force reference. */
final class VectorTestData {

  private VectorTestData() {}

  /**
   * {@code n} vectors around {@code centers} Gaussian centres (coordinates N(0, 1)), each point the
   * centre plus N(0, spread^2) noise. With {@code varyNorms}, centres are scaled by 0.75 to 1.25 so
   * that dot-product neighbours differ from euclidean ones.
   */
  static float[] clustered(
      int n, int dim, int centers, double spread, boolean varyNorms, long seed) {
    Random r = new Random(seed);
    double[] c = new double[centers * dim];
    for (int i = 0; i < centers; i++) {
      double scale = varyNorms ? 0.75 + 0.5 * r.nextDouble() : 1.0;
      for (int j = 0; j < dim; j++) {
        c[i * dim + j] = r.nextGaussian() * scale;
      }
    }
    float[] out = new float[n * dim];
    for (int i = 0; i < n; i++) {
      int center = r.nextInt(centers);
      for (int j = 0; j < dim; j++) {
        out[i * dim + j] = (float) (c[center * dim + j] + r.nextGaussian() * spread);
      }
    }
    return out;
  }

  /** Small integer coordinates in [-2, 2]: float arithmetic on them is exact, and ties abound. */
  static float[] integers(int n, int dim, long seed) {
    Random r = new Random(seed);
    float[] out = new float[n * dim];
    for (int i = 0; i < out.length; i++) {
      out[i] = r.nextInt(5) - 2;
    }
    return out;
  }

  /** A filter passing each ordinal with probability {@code p}. */
  static TestBits randomBits(int n, double p, long seed) {
    Random r = new Random(seed);
    BitSet set = new BitSet(n);
    for (int i = 0; i < n; i++) {
      if (r.nextDouble() < p) {
        set.set(i);
      }
    }
    return new TestBits(set, n);
  }

  static TestBits of(int n, int... ords) {
    BitSet set = new BitSet(n);
    for (int o : ords) {
      set.set(o);
    }
    return new TestBits(set, n);
  }

  record TestBits(BitSet set, int length) implements Bits {
    @Override
    public boolean get(int ord) {
      return set.get(ord);
    }

    @Override
    public int cardinality() {
      return set.cardinality();
    }
  }

  static double score(DistanceMetric metric, float[] data, int ord, float[] q) {
    int dim = q.length;
    double dot = 0, na = 0, nb = 0, l2 = 0;
    for (int j = 0; j < dim; j++) {
      double a = data[ord * dim + j];
      double b = q[j];
      dot += a * b;
      na += a * a;
      nb += b * b;
      l2 += (a - b) * (a - b);
    }
    switch (metric) {
      case EUCLIDEAN:
        return -l2;
      case DOT:
        return dot;
      case COSINE:
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
      default:
        throw new AssertionError(metric);
    }
  }

  /** Exact top-k ordinals: score descending, ordinal ascending. */
  static int[] bruteForce(DistanceMetric metric, float[] data, float[] q, int k, Bits allowed) {
    int n = data.length / q.length;
    Integer[] ords = new Integer[n];
    double[] scores = new double[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (allowed == null || allowed.get(i)) {
        ords[m++] = i;
        scores[i] = score(metric, data, i, q);
      }
    }
    Integer[] sorted = Arrays.copyOf(ords, m);
    Arrays.sort(
        sorted,
        (a, b) -> {
          int c = Double.compare(scores[b], scores[a]);
          return c != 0 ? c : Integer.compare(a, b);
        });
    int[] out = new int[Math.min(k, m)];
    for (int i = 0; i < out.length; i++) {
      out[i] = sorted[i];
    }
    return out;
  }

  static double recall(int[] expected, int[] actual) {
    if (expected.length == 0) {
      return 1.0;
    }
    int hits = 0;
    for (int e : expected) {
      for (int a : actual) {
        if (a == e) {
          hits++;
          break;
        }
      }
    }
    return hits / (double) expected.length;
  }

  static float[] vector(float[] data, int ord, int dim) {
    return Arrays.copyOfRange(data, ord * dim, (ord + 1) * dim);
  }
}
