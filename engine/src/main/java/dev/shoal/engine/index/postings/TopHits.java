package dev.shoal.engine.index.postings;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * The best documents of one segment (or of the WAL tail) for a query: segment-local ordinals with
 * their exact scores, best first, equal scores by ascending ordinal.
 *
 * <p>Scores are exact and reproducible: the same document scores the same, bit for bit, whichever
 * segment or code path (pruned, exhaustive, in-memory) produced it, so the executor can merge
 * per-segment lists by score and break ties by document id. The arrays are owned by this record: do
 * not modify them.
 */
public record TopHits(int[] ordinals, double[] scores, SearchStats stats) {
  public TopHits {
    requireNonNull(ordinals, "ordinals is null");
    requireNonNull(scores, "scores is null");
    requireNonNull(stats, "stats is null");
    if (ordinals.length != scores.length) {
      throw new IllegalArgumentException(
          "ordinals and scores differ in length: " + ordinals.length + " vs " + scores.length);
    }
  }

  public static TopHits empty(SearchStats stats) {
    return new TopHits(new int[0], new double[0], stats);
  }

  public int size() {
    return ordinals.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopHits t
        && Arrays.equals(ordinals, t.ordinals)
        && Arrays.equals(scores, t.scores)
        && stats.equals(t.stats);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ordinals) * 31 + Arrays.hashCode(scores);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("TopHits[");
    for (int i = 0; i < ordinals.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(ordinals[i]).append('=').append(scores[i]);
    }
    return sb.append("; ").append(stats).append(']').toString();
  }
}
