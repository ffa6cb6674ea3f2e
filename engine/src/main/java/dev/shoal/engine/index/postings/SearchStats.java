package dev.shoal.engine.index.postings;

/**
 * What one search did, for tuning and for the query's performance report.
 *
 * @param postingsTotal postings of the query's terms (or dimensions) in the segment
 * @param postingsScored postings decoded and scored; the rest were skipped by top-k pruning or
 *     belonged to blocks that were never decoded
 * @param blocksDecoded blocks of up to {@link Postings#BLOCK_SIZE} postings decoded
 * @param blocksSkipped blocks whose score upper bound showed they could not reach the top k
 * @param candidates documents that reached the final (exact) scoring step
 */
public record SearchStats(
    long postingsTotal,
    long postingsScored,
    long blocksDecoded,
    long blocksSkipped,
    long candidates) {

  public static final SearchStats EMPTY = new SearchStats(0, 0, 0, 0, 0);

  /** Postings never scored: {@code postingsTotal - postingsScored}. */
  public long postingsSkipped() {
    return Math.max(0, postingsTotal - postingsScored);
  }

  /** The sum of two searches' statistics, for reports over several segments. */
  public SearchStats plus(SearchStats o) {
    return new SearchStats(
        postingsTotal + o.postingsTotal,
        postingsScored + o.postingsScored,
        blocksDecoded + o.blocksDecoded,
        blocksSkipped + o.blocksSkipped,
        candidates + o.candidates);
  }
}
