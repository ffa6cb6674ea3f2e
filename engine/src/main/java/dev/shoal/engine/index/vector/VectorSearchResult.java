package dev.shoal.engine.index.vector;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * Top-k hits of one segment: segment ordinals and their scores (higher is better), sorted by score
 * descending, then ordinal ascending. The arrays are owned by the result; do not modify them.
 */
public record VectorSearchResult(int[] ordinals, float[] scores, SearchStats stats) {

  public VectorSearchResult {
    requireNonNull(ordinals, "ordinals is null");
    requireNonNull(scores, "scores is null");
    requireNonNull(stats, "stats is null");
    if (ordinals.length != scores.length) {
      throw new IllegalArgumentException(
          "Cannot create result: "
              + ordinals.length
              + " ordinals but "
              + scores.length
              + " scores");
    }
  }

  public int size() {
    return ordinals.length;
  }

  public int ordinal(int i) {
    return ordinals[i];
  }

  public float score(int i) {
    return scores[i];
  }

  @Override
  public String toString() {
    return "VectorSearchResult{ordinals="
        + Arrays.toString(ordinals)
        + ", scores="
        + Arrays.toString(scores)
        + ", stats="
        + stats
        + "}";
  }
}
