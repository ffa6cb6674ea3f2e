package dev.shoal.engine.index.sparse;

import dev.shoal.engine.index.Bits;
import dev.shoal.engine.index.postings.DoubleTopK;
import dev.shoal.engine.index.postings.SearchStats;
import dev.shoal.engine.index.postings.TopHits;

/** One document-at-a-time MaxScore search over a segment's sparse postings. Not thread-safe. */
final class SparseMaxScore {
  // Bounds and partial sums are added in varying orders; this relative slack keeps pruning safe.
  private static final double SLACK = 1e-9;

  private final SparseCursor[] cursors;
  private final Bits allowed;
  private final boolean prune;
  private final long postingsTotal;
  private final DoubleTopK top;
  private final int[] order;
  private final double[] prefix;
  private final double[] contrib;
  private final int[] recorded;
  private long candidates;

  SparseMaxScore(SparseCursor[] cursors, int k, Bits allowed, boolean prune, long postingsTotal) {
    this.cursors = cursors;
    this.allowed = allowed;
    this.prune = prune;
    this.postingsTotal = postingsTotal;
    this.top = new DoubleTopK(k);
    int m = cursors.length;
    Integer[] byBound = new Integer[m];
    for (int i = 0; i < m; i++) {
      byBound[i] = i;
    }
    java.util.Arrays.sort(byBound, (a, b) -> Double.compare(cursors[a].bound, cursors[b].bound));
    this.order = new int[m];
    this.prefix = new double[m];
    double sum = 0;
    for (int i = 0; i < m; i++) {
      order[i] = byBound[i];
      sum += cursors[order[i]].bound;
      prefix[i] = sum * (1 + SLACK);
    }
    this.contrib = new double[m];
    this.recorded = new int[m];
  }

  private static boolean cannotBeat(double bound, double threshold) {
    return bound + Math.abs(bound) * SLACK + Double.MIN_NORMAL <= threshold;
  }

  TopHits run() {
    int m = cursors.length;
    for (SparseCursor c : cursors) {
      c.nextDoc();
    }
    int essential = 0;
    while (true) {
      int doc = SparseCursor.NO_MORE;
      for (int i = essential; i < m; i++) {
        doc = Math.min(doc, cursors[order[i]].doc);
      }
      if (doc == SparseCursor.NO_MORE) {
        break;
      }
      int n = 0;
      double approx = 0;
      for (int i = essential; i < m; i++) {
        SparseCursor c = cursors[order[i]];
        if (c.doc == doc) {
          double v = c.contribution();
          contrib[order[i]] = v;
          recorded[n++] = order[i];
          approx += v;
          c.nextDoc();
        }
      }
      if (!allowed.get(doc)) {
        continue;
      }
      candidates++;
      boolean full = prune && top.isFull();
      double threshold = top.threshold();
      boolean pruned = false;
      for (int i = essential - 1; i >= 0; i--) {
        SparseCursor c = cursors[order[i]];
        if (full) {
          double below = i > 0 ? prefix[i - 1] : 0;
          if (cannotBeat(approx + prefix[i], threshold)
              || cannotBeat(approx + below + c.blockBound(doc), threshold)) {
            pruned = true;
            break;
          }
        }
        if (c.advance(doc) == doc) {
          double v = c.contribution();
          contrib[order[i]] = v;
          recorded[n++] = order[i];
          approx += v;
        }
      }
      if (pruned) {
        continue;
      }
      // Exact score: contributions in ascending dimension order, as SparseVector.dot adds them.
      for (int a = 1; a < n; a++) {
        int x = recorded[a];
        int b = a - 1;
        while (b >= 0 && cursors[recorded[b]].queryIndex > cursors[x].queryIndex) {
          recorded[b + 1] = recorded[b];
          b--;
        }
        recorded[b + 1] = x;
      }
      double score = 0;
      for (int a = 0; a < n; a++) {
        score += contrib[recorded[a]];
      }
      if (top.offer(doc, score) && prune && top.isFull()) {
        double t = top.threshold();
        while (essential < m && cannotBeat(prefix[essential], t)) {
          essential++;
        }
      }
    }
    long scored = 0;
    long decoded = 0;
    long blocks = 0;
    for (SparseCursor c : cursors) {
      scored += c.scored;
      decoded += c.blocksDecoded;
      blocks += c.numBlocks();
    }
    return top.toHits(
        new SearchStats(postingsTotal, scored, decoded, blocks - decoded, candidates));
  }
}
