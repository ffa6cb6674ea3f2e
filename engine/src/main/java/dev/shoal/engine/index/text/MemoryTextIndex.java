package dev.shoal.engine.index.text;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.index.Bits;
import dev.shoal.engine.index.postings.LongTopK;
import dev.shoal.engine.index.postings.SearchStats;
import dev.shoal.engine.index.postings.TopHits;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One text field of documents held in memory, such as the WAL tail that compaction has not indexed
 * yet: gives the same statistics and the same scores, bit for bit, as a segment index over the same
 * documents would, by scoring every matching posting (no pruning). Immutable and thread-safe once
 * built.
 */
public final class MemoryTextIndex {
  private final int maxDoc;
  private final int[] lengths;
  private final Map<String, int[][]> postings;
  private final int docCount;
  private final long totalLength;

  private MemoryTextIndex(int maxDoc, int[] lengths, Map<String, int[][]> postings) {
    this.maxDoc = maxDoc;
    this.lengths = lengths;
    this.postings = postings;
    int count = 0;
    long total = 0;
    for (int len : lengths) {
      if (len > 0) {
        count++;
        total += len;
      }
    }
    this.docCount = count;
    this.totalLength = total;
  }

  /**
   * Indexes analyzed documents; {@code docs.get(i)} is ordinal {@code i}'s terms (null or empty
   * when the document lacks the field).
   */
  public static MemoryTextIndex of(List<List<String>> docs) {
    requireNonNull(docs, "docs is null");
    int n = docs.size();
    int[] lengths = new int[n];
    Map<String, int[]> counts = new HashMap<>();
    Map<String, int[][]> postings = new HashMap<>();
    for (int d = 0; d < n; d++) {
      List<String> tokens = docs.get(d);
      if (tokens == null || tokens.isEmpty()) {
        continue;
      }
      lengths[d] = tokens.size();
      counts.clear();
      for (String t : tokens) {
        counts.computeIfAbsent(t, x -> new int[1])[0]++;
      }
      for (Map.Entry<String, int[]> e : counts.entrySet()) {
        int[][] p =
            postings.computeIfAbsent(e.getKey(), x -> new int[][] {new int[2], new int[2], {0}});
        int size = p[2][0];
        if (size == p[0].length) {
          p[0] = java.util.Arrays.copyOf(p[0], size * 2);
          p[1] = java.util.Arrays.copyOf(p[1], size * 2);
        }
        p[0][size] = d;
        p[1][size] = e.getValue()[0];
        p[2][0] = size + 1;
      }
    }
    return new MemoryTextIndex(n, lengths, postings);
  }

  public int maxDoc() {
    return maxDoc;
  }

  /** These documents' statistics for the field and {@code terms}. */
  public Bm25Stats stats(QueryTerms terms) {
    long[] df = new long[terms.size()];
    for (int i = 0; i < df.length; i++) {
      int[][] p = postings.get(terms.terms().get(i));
      df[i] = p == null ? 0 : p[2][0];
    }
    return new Bm25Stats(docCount, totalLength, df);
  }

  /** The top {@code k} documents among {@code allowed} for one field. */
  public TopHits search(Bm25Query query, int k, Bits allowed) {
    return search(List.of(this), List.of(query), k, allowed);
  }

  /**
   * The top {@code k} documents among {@code allowed} by the sum of BM25 scores over several fields
   * of the same documents: {@code queries.get(i)} runs on {@code fields.get(i)}.
   */
  public static TopHits search(
      List<MemoryTextIndex> fields, List<Bm25Query> queries, int k, Bits allowed) {
    requireNonNull(allowed, "allowed is null");
    if (fields.size() != queries.size()) {
      throw new IllegalArgumentException(
          "Cannot search: " + fields.size() + " fields but " + queries.size() + " queries");
    }
    if (k < 1) {
      throw new IllegalArgumentException("Cannot search: k must be at least 1, got " + k);
    }
    if (fields.isEmpty()) {
      return TopHits.empty(SearchStats.EMPTY);
    }
    int maxDoc = fields.get(0).maxDoc;
    long[] scores = new long[maxDoc];
    boolean[] hit = new boolean[maxDoc];
    long total = 0;
    for (int f = 0; f < fields.size(); f++) {
      MemoryTextIndex field = fields.get(f);
      if (field.maxDoc != maxDoc) {
        throw new IllegalArgumentException(
            "Cannot search fields of different document sets: " + maxDoc + " vs " + field.maxDoc);
      }
      Bm25Query q = queries.get(f);
      for (int t = 0; t < q.terms().size(); t++) {
        int[][] p = field.postings.get(q.terms().get(t));
        if (p == null) {
          continue;
        }
        int size = p[2][0];
        total += size;
        for (int j = 0; j < size; j++) {
          int d = p[0][j];
          scores[d] += q.contribution(t, p[1][j], field.lengths[d]);
          hit[d] = true;
        }
      }
    }
    LongTopK top = new LongTopK(k);
    long candidates = 0;
    for (int d = 0; d < maxDoc; d++) {
      if (hit[d] && allowed.get(d)) {
        candidates++;
        top.offer(d, scores[d]);
      }
    }
    return top.toHits(Bm25.INV_SCALE, new SearchStats(total, total, 0, 0, candidates));
  }
}
