package dev.shoal.engine.index.text;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * A BM25 query on one field with its global statistics applied: per term weights and the average
 * field length. Built once per query and field by the executor, then passed to every segment's
 * search and to the WAL tail's, so all score with the same numbers. Immutable and thread-safe.
 */
public final class Bm25Query {
  private final QueryTerms terms;
  private final double[] weights;
  private final double avgLength;
  // Precomputed so every path evaluates the length normalization with the same operations.
  private final double kConst;
  private final double kPerTerm;

  private Bm25Query(QueryTerms terms, double[] weights, double avgLength) {
    this.terms = terms;
    this.weights = weights;
    this.avgLength = avgLength;
    this.kConst = Bm25.K1 * (1 - Bm25.B);
    this.kPerTerm = Bm25.K1 * Bm25.B / avgLength;
  }

  /**
   * The query for {@code terms} given namespace-wide statistics gathered for the same terms (same
   * order).
   */
  public static Bm25Query of(QueryTerms terms, Bm25Stats global) {
    requireNonNull(terms, "terms is null");
    requireNonNull(global, "global is null");
    if (global.docFreqs().length != terms.size()) {
      throw new IllegalArgumentException(
          "Cannot build BM25 query: statistics cover "
              + global.docFreqs().length
              + " terms but the query has "
              + terms.size());
    }
    double[] w = new double[terms.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = terms.counts()[i] * Bm25.idf(global.docFreqs()[i], global.docCount());
    }
    return new Bm25Query(terms, w, global.avgLength());
  }

  public List<String> terms() {
    return terms.terms();
  }

  public QueryTerms queryTerms() {
    return terms;
  }

  /** The weight of term {@code i}: its query count times its idf. */
  public double weight(int i) {
    return weights[i];
  }

  public double avgLength() {
    return avgLength;
  }

  /** The contribution of term {@code i} to a document's score, in fixed point. */
  long contribution(int i, int tf, int docLength) {
    return Bm25.toFixed(weights[i] * tf / (tf + (kConst + kPerTerm * docLength)));
  }

  /**
   * An upper bound, in fixed point, of term {@code i}'s contribution for any document with at most
   * {@code maxTf} occurrences and at least {@code minLength} terms (the score grows with tf and
   * falls with length). Two units more than the value, against rounding.
   */
  long bound(int i, int maxTf, int minLength) {
    return contribution(i, maxTf, minLength) + 2;
  }

  /** A document's score for this query given its term frequencies (0 if absent), as reported. */
  public double score(int[] termFreqs, int docLength) {
    if (termFreqs.length != weights.length) {
      throw new IllegalArgumentException(
          "Cannot score: " + termFreqs.length + " frequencies for " + weights.length + " terms");
    }
    long sum = 0;
    for (int i = 0; i < weights.length; i++) {
      if (termFreqs[i] > 0) {
        sum += contribution(i, termFreqs[i], docLength);
      }
    }
    return Bm25.toScore(sum);
  }

  @Override
  public String toString() {
    return "Bm25Query["
        + terms
        + ", weights="
        + Arrays.toString(weights)
        + ", avgLength="
        + avgLength
        + "]";
  }
}
