package dev.shoal.engine.index.text;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The distinct terms of an analyzed query, in order of first appearance, with how often each
 * appears (a repeated query word weighs more, as two identical clauses would in Lucene).
 *
 * @param terms distinct, non-empty terms
 * @param counts occurrences of each term in the query, at least 1
 */
public record QueryTerms(List<String> terms, int[] counts) {
  public QueryTerms {
    terms = List.copyOf(terms);
    requireNonNull(counts, "counts is null");
    if (terms.size() != counts.length) {
      throw new IllegalArgumentException(
          "Cannot build query terms: " + terms.size() + " terms but " + counts.length + " counts");
    }
    if (terms.size() != new java.util.HashSet<>(terms).size()) {
      throw new IllegalArgumentException("Cannot build query terms: repeated term in " + terms);
    }
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < 1) {
        throw new IllegalArgumentException(
            "Cannot build query terms: count " + counts[i] + " for \"" + terms.get(i) + "\"");
      }
    }
  }

  /** Groups analyzed query tokens (from {@link TextAnalyzer#analyze}). */
  public static QueryTerms of(List<String> tokens) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String t : tokens) {
      counts.merge(requireNonNull(t, "token is null"), 1, Integer::sum);
    }
    List<String> terms = new ArrayList<>(counts.keySet());
    int[] c = new int[terms.size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = counts.get(terms.get(i));
    }
    return new QueryTerms(terms, c);
  }

  public int size() {
    return terms.size();
  }

  public boolean isEmpty() {
    return terms.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QueryTerms q && q.terms.equals(terms) && Arrays.equals(q.counts, counts);
  }

  @Override
  public int hashCode() {
    return terms.hashCode() * 31 + Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return "QueryTerms" + terms + Arrays.toString(counts);
  }
}
