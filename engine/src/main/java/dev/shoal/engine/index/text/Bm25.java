package dev.shoal.engine.index.text;

/**
 * The BM25 formula, in the form Lucene and Elasticsearch use, so scores are on the scale users know
 * from them:
 *
 * <pre>
 *   score(d, q) = Σ over distinct query terms t:  w(t) · tf / (tf + k1 · (1 - b + b · dl / avgdl))
 *   w(t)        = qtf(t) · ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))
 * </pre>
 *
 * with k1 = 1.2, b = 0.75, tf the term's frequency in the document's field, dl the number of terms
 * in the document's field, and qtf the number of times the term appears in the query. N (documents
 * with at least one term in the field), df (documents containing the term) and avgdl (terms in the
 * field over N) are global to the namespace ({@link Bm25Stats}), so a document scores the same in
 * any segment. Like Lucene, the numerator leaves out the constant factor (k1 + 1) of the textbook
 * formula; the ranking is the same. Document lengths are exact (no norm quantization).
 *
 * <p>For a multi-field query ({@code $text}) a document's score is the sum of its per-field scores.
 *
 * <p>Exactness: each term's contribution is computed in double precision and rounded to a fixed
 * point number of 2<sup>-40</sup> (about 1e-12); contributions are summed as integers. Sums are
 * then independent of the order of terms and fields, which differs between the pruned, exhaustive
 * and in-memory paths, so one document always gets the same score bit for bit.
 */
public final class Bm25 {
  public static final double K1 = 1.2;
  public static final double B = 0.75;

  /** Fixed-point scale of summed contributions. */
  static final double SCALE = 0x1p40;

  static final double INV_SCALE = 0x1p-40;

  private Bm25() {}

  /** Lucene's BM25 idf: {@code ln(1 + (N - df + 0.5) / (df + 0.5))}; df is capped at N. */
  public static double idf(long docFreq, long docCount) {
    long df = Math.min(docFreq, docCount);
    return Math.log(1 + (docCount - df + 0.5) / (df + 0.5));
  }

  /** Converts a fixed-point sum to the reported score. Exact below 2^53 / 2^40 = 8192. */
  static double toScore(long fixed) {
    return fixed * INV_SCALE;
  }

  /** Rounds a non-negative contribution to fixed point. */
  static long toFixed(double contribution) {
    return (long) (contribution * SCALE + 0.5);
  }
}
