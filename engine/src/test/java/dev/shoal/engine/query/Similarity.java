package dev.shoal.engine.query;

import dev.shoal.engine.model.DistanceMetric;

/**
 * Reference scores of dense vectors in double precision, where higher is better for every metric
 * (see API.md): what the engine's float kernels are checked against.
 */
final class Similarity {
  private Similarity() {}

  /**
   * Cosine similarity, negative squared euclidean distance, or dot product. A zero vector has
   * cosine similarity 0 with everything.
   */
  static double score(DistanceMetric metric, float[] query, float[] doc) {
    switch (metric) {
      case COSINE:
        {
          double dot = 0;
          double qq = 0;
          double dd = 0;
          for (int i = 0; i < query.length; i++) {
            dot += (double) query[i] * doc[i];
            qq += (double) query[i] * query[i];
            dd += (double) doc[i] * doc[i];
          }
          return qq == 0 || dd == 0 ? 0 : dot / Math.sqrt(qq * dd);
        }
      case EUCLIDEAN:
        {
          double sum = 0;
          for (int i = 0; i < query.length; i++) {
            double d = (double) query[i] - doc[i];
            sum += d * d;
          }
          return -sum;
        }
      case DOT:
        {
          double dot = 0;
          for (int i = 0; i < query.length; i++) {
            dot += (double) query[i] * doc[i];
          }
          return dot;
        }
      default:
        throw new AssertionError(metric);
    }
  }
}
