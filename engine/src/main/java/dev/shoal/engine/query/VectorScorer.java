package dev.shoal.engine.query;

import dev.shoal.engine.index.vector.VectorKernels;
import dev.shoal.engine.model.DistanceMetric;

/**
 * Exact scores of unindexed vectors (the WAL tail), computed exactly as the vector index computes
 * them (cosine as the dot product with the unit query times the vector's inverse norm, clamped), so
 * that a document scores the same before and after compaction.
 */
final class VectorScorer {
  private final DistanceMetric metric;
  private final float[] query;

  VectorScorer(DistanceMetric metric, float[] query) {
    this.metric = metric;
    if (metric == DistanceMetric.COSINE) {
      float[] q = query.clone();
      VectorKernels.normalize(q, 0, q.length);
      this.query = q;
    } else {
      this.query = query;
    }
  }

  double score(float[] v) {
    switch (metric) {
      case EUCLIDEAN:
        return -VectorKernels.squareDistance(query, v);
      case DOT:
        return VectorKernels.dot(query, v);
      default:
        float cos = VectorKernels.dot(query, v) * VectorKernels.inverseNorm(v, 0, v.length);
        return Math.max(-1f, Math.min(1f, cos));
    }
  }
}
