package dev.shoal.engine.index.vector;

/**
 * Per-query knobs of {@link IvfIndex#search}. Zero (or -1 for {@code exactThreshold}) means
 * automatic, which is what queries should normally use.
 *
 * @param nprobe clusters to probe when nothing is filtered out; filtered searches probe on until
 *     they have seen about as many allowed candidates as these clusters hold (and at least 2k). 0
 *     picks a default from the cluster count.
 * @param rerankDepth how many of the best code estimates are re-scored with full-precision vectors;
 *     0 picks a default from k. Ignored by indexes without codes.
 * @param exactThreshold when at most this many ordinals are allowed, search them exactly instead of
 *     probing clusters; -1 decides from the expected scan cost (and also falls back when the filter
 *     is correlated with the clusters), 0 never falls back.
 */
public record SearchParams(int nprobe, int rerankDepth, int exactThreshold) {

  /** Everything automatic. */
  public static final SearchParams DEFAULT = new SearchParams(0, 0, -1);

  public SearchParams {
    if (nprobe < 0) {
      throw new IllegalArgumentException("Cannot set nprobe: negative value " + nprobe);
    }
    if (rerankDepth < 0) {
      throw new IllegalArgumentException("Cannot set rerank depth: negative value " + rerankDepth);
    }
    if (exactThreshold < -1) {
      throw new IllegalArgumentException(
          "Cannot set exact threshold: expected -1 or more, got " + exactThreshold);
    }
  }

  public SearchParams withNprobe(int nprobe) {
    return new SearchParams(nprobe, rerankDepth, exactThreshold);
  }

  public SearchParams withRerankDepth(int rerankDepth) {
    return new SearchParams(nprobe, rerankDepth, exactThreshold);
  }

  public SearchParams withExactThreshold(int exactThreshold) {
    return new SearchParams(nprobe, rerankDepth, exactThreshold);
  }
}
