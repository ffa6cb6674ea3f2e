package dev.shoal.engine.index.text;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.index.Bits;
import dev.shoal.engine.index.postings.LongTopK;
import dev.shoal.engine.index.postings.SearchStats;
import dev.shoal.engine.index.postings.TopHits;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Top-k BM25 search over one segment, for one field or the sum over several ({@code $text}).
 *
 * <p>The algorithm is block-max MaxScore over windows of documents. Each (field, term) pair is a
 * clause with a score upper bound per block of 128 postings. For each window, clauses are sorted by
 * their best possible score in the window; the longest prefix whose bounds add up to no more than
 * the current k-th best score is "non-essential": a document matching only those cannot enter the
 * top k. The essential clauses' postings in the window are scored into an accumulator; each
 * document found is then completed with the non-essential clauses, most valuable first, stopping as
 * soon as its bound falls to the k-th best score. Windows where no clause is essential are skipped
 * without decoding anything, so common terms cost little once the top k fills up.
 *
 * <p>Documents not in {@code allowed} are never returned. Results are exact: the same as scoring
 * every matching document, with equal scores ordered by ascending ordinal.
 */
public final class TextSearch {
  private static final int MIN_WINDOW = 256;
  private static final int MAX_WINDOW = 4096;

  /** One field's part of a search: its looked-up terms and its query (same terms). */
  public record Field(TermLookup terms, Bm25Query query) {
    public Field {
      requireNonNull(terms, "terms is null");
      requireNonNull(query, "query is null");
      if (!terms.terms().equals(query.queryTerms())) {
        throw new IllegalArgumentException(
            "Cannot search: terms looked up "
                + terms.terms().terms()
                + " differ from the query's "
                + query.terms());
      }
    }
  }

  private TextSearch() {}

  /**
   * The top {@code k} documents of one segment by the sum of their BM25 scores over {@code fields};
   * all lookups must come from readers of the same segment.
   */
  public static TopHits search(List<Field> fields, int k, Bits allowed) {
    return search(fields, k, allowed, true);
  }

  /** As {@link #search(List, int, Bits)}; without pruning every matching posting is scored. */
  static TopHits search(List<Field> fields, int k, Bits allowed, boolean prune) {
    requireNonNull(fields, "fields is null");
    requireNonNull(allowed, "allowed is null");
    if (k < 1) {
      throw new IllegalArgumentException("Cannot search: k must be at least 1, got " + k);
    }
    if (fields.isEmpty()) {
      return TopHits.empty(SearchStats.EMPTY);
    }
    int maxDoc = fields.get(0).terms().reader().maxDoc();
    List<TermCursor> cursors = new ArrayList<>();
    long total = 0;
    for (Field f : fields) {
      TextIndexReader reader = f.terms().reader();
      if (reader.maxDoc() != maxDoc) {
        throw new IllegalArgumentException(
            "Cannot search fields of different segments: "
                + fields.get(0).terms().reader().name()
                + " has "
                + maxDoc
                + " documents, "
                + reader.name()
                + " has "
                + reader.maxDoc());
      }
      total += openCursors(f, cursors);
    }
    if (cursors.isEmpty()) {
      return TopHits.empty(new SearchStats(0, 0, 0, 0, 0));
    }
    return new MaxScore(cursors.toArray(new TermCursor[0]), maxDoc, k, allowed, prune, total).run();
  }

  private static long openCursors(Field f, List<TermCursor> out) {
    TermLookup lookup = f.terms();
    TextIndexReader reader = lookup.reader();
    int n = lookup.terms().size();
    List<long[]> ranges = new ArrayList<>();
    List<Integer> listTerms = new ArrayList<>();
    boolean any = false;
    for (int i = 0; i < n; i++) {
      TermLookup.Entry e = lookup.entry(i);
      if (e == null) {
        continue;
      }
      any = true;
      if (!e.inlined()) {
        ranges.add(new long[] {e.offset(), e.length()});
        listTerms.add(i);
      }
    }
    if (!any) {
      return 0;
    }
    int[] norms = reader.norms();
    List<ByteBuffer> lists = ranges.isEmpty() ? List.of() : reader.readPostings(ranges);
    long total = 0;
    try {
      int next = 0;
      for (int i = 0; i < n; i++) {
        TermLookup.Entry e = lookup.entry(i);
        if (e == null) {
          continue;
        }
        total += e.docFreq();
        if (e.inlined()) {
          out.add(new TermCursor(f.query(), i, norms, e.inlineDoc(), e.inlineFreq()));
        } else {
          ByteBuffer list = lists.get(next++);
          int len = list.limit();
          if (dev.shoal.engine.index.postings.Postings.crc32c(list, 0, len - 4)
              != list.getInt(len - 4)) {
            throw reader.corrupt(
                "postings of \"" + lookup.terms().terms().get(i) + "\" checksum mismatch", null);
          }
          out.add(new TermCursor(f.query(), i, norms, e.docFreq(), list, reader.maxDoc()));
        }
      }
    } catch (BufferUnderflowException | IllegalStateException | IndexOutOfBoundsException ex) {
      throw reader.corrupt("postings do not decode: " + ex.getMessage(), ex);
    }
    return total;
  }

  /** One search's state. */
  private static final class MaxScore {
    private final TermCursor[] cursors;
    private final int maxDoc;
    private final Bits allowed;
    private final boolean prune;
    private final long postingsTotal;
    private final LongTopK top;
    private final int[] order;
    private final long[] bounds;
    private final long[] prefix;
    private final long[] acc = new long[MAX_WINDOW];
    private final long[] matched = new long[MAX_WINDOW / 64];
    private long candidates;
    private long blocksTotal;

    MaxScore(
        TermCursor[] cursors, int maxDoc, int k, Bits allowed, boolean prune, long postingsTotal) {
      this.cursors = cursors;
      this.maxDoc = maxDoc;
      this.allowed = allowed;
      this.prune = prune;
      this.postingsTotal = postingsTotal;
      this.top = new LongTopK(k);
      this.order = new int[cursors.length];
      this.bounds = new long[cursors.length];
      this.prefix = new long[cursors.length];
      for (TermCursor c : cursors) {
        blocksTotal += c.numBlocks();
      }
    }

    TopHits run() {
      int m = cursors.length;
      int windowMin = 0;
      while (windowMin < maxDoc) {
        // Jump over gaps where no clause has documents.
        int next = TermCursor.NO_MORE;
        for (TermCursor c : cursors) {
          next = Math.min(next, c.nextCandidate(windowMin));
        }
        if (next >= maxDoc) {
          break;
        }
        windowMin = next;
        int end = TermCursor.NO_MORE;
        for (TermCursor c : cursors) {
          end = Math.min(end, c.blockEnd(windowMin));
        }
        end = Math.max(end, windowMin + MIN_WINDOW);
        end = (int) Math.min(Math.min(end, (long) windowMin + MAX_WINDOW), maxDoc);

        long threshold = top.threshold();
        for (int i = 0; i < m; i++) {
          order[i] = i;
          bounds[i] = cursors[i].maxBound(windowMin, end);
        }
        // Insertion sort by bound: few clauses.
        for (int i = 1; i < m; i++) {
          int o = order[i];
          long b = bounds[o];
          int j = i - 1;
          while (j >= 0 && bounds[order[j]] > b) {
            order[j + 1] = order[j];
            j--;
          }
          order[j + 1] = o;
        }
        int essential = 0;
        long sum = 0;
        if (prune && top.isFull()) {
          while (essential < m && sum + bounds[order[essential]] <= threshold) {
            sum += bounds[order[essential]];
            prefix[essential] = sum;
            essential++;
          }
        }
        if (essential == m) {
          windowMin = end;
          continue;
        }
        scoreWindow(windowMin, end, essential);
        collectWindow(windowMin, end, essential);
        windowMin = end;
      }
      long scored = 0;
      long decoded = 0;
      for (TermCursor c : cursors) {
        scored += c.scored;
        decoded += c.blocksDecoded;
      }
      SearchStats stats =
          new SearchStats(postingsTotal, scored, decoded, blocksTotal - decoded, candidates);
      return top.toHits(Bm25.INV_SCALE, stats);
    }

    private void scoreWindow(int windowMin, int end, int essential) {
      for (int i = essential; i < cursors.length; i++) {
        TermCursor c = cursors[order[i]];
        int doc = c.advance(windowMin);
        while (doc < end) {
          int d = doc - windowMin;
          acc[d] += c.score();
          matched[d >>> 6] |= 1L << d;
          doc = c.nextDoc();
        }
      }
    }

    private void collectWindow(int windowMin, int end, int essential) {
      int words = (end - windowMin + 63) >>> 6;
      for (int w = 0; w < words; w++) {
        long bits = matched[w];
        if (bits == 0) {
          continue;
        }
        matched[w] = 0;
        while (bits != 0) {
          int d = (w << 6) + Long.numberOfTrailingZeros(bits);
          bits &= bits - 1;
          long score = acc[d];
          acc[d] = 0;
          int doc = windowMin + d;
          if (!allowed.get(doc)) {
            continue;
          }
          candidates++;
          boolean pruned = false;
          for (int i = essential - 1; i >= 0; i--) {
            if (score + prefix[i] <= top.threshold()) {
              pruned = true;
              break;
            }
            TermCursor c = cursors[order[i]];
            if (c.advance(doc) == doc) {
              score += c.score();
            }
          }
          if (!pruned) {
            top.offer(doc, score);
          }
        }
      }
    }
  }
}
