package dev.shoal.examples;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A small deterministic text embedding for the examples: the hashing trick over words and word
 * pairs, L2-normalized. Texts that share words get similar vectors, which is enough to show
 * nearest-neighbour search without a model. Not for production use.
 */
public final class Embeddings {
  public static final int DIMENSION = 128;

  private Embeddings() {}

  /** The embedding of a text; the same text always gives the same vector. */
  public static float[] embed(String text) {
    float[] v = new float[DIMENSION];
    String previous = null;
    for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (word.isEmpty()) {
        continue;
      }
      add(v, word, 1.0f);
      if (previous != null) {
        add(v, previous + " " + word, 0.5f);
      }
      previous = word;
    }
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    if (norm == 0) {
      v[0] = 1; // an empty text still has a valid vector
      return v;
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < v.length; i++) {
      v[i] *= scale;
    }
    return v;
  }

  private static void add(float[] v, String feature, float weight) {
    long h = fnv1a(feature);
    // Each feature touches three dimensions with pseudo-random signs.
    for (int i = 0; i < 3; i++) {
      int dim = (int) Long.remainderUnsigned(h, DIMENSION);
      float sign = ((h >>> 40) & 1) == 0 ? 1 : -1;
      v[dim] += sign * weight;
      h = h * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    }
  }

  private static long fnv1a(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
