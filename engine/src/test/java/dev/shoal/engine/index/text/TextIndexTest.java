package dev.shoal.engine.index.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.engine.index.Bits;
import dev.shoal.engine.index.RangeReader;
import dev.shoal.engine.index.postings.TopHits;
import dev.shoal.engine.storage.CorruptObjectException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TextIndexTest {
  private static final TextAnalyzer ANALYZER = TextAnalyzer.of(TextAnalyzerOptions.DEFAULT);

  // ---- reference BM25, written out plainly ------------------------------------------------

  /** Straightforward BM25 over a whole corpus of analyzed documents (null = no field). */
  static final class Reference {
    final List<List<String>> docs;
    final List<Map<String, Integer>> tfs = new ArrayList<>();
    final Map<String, Long> dfs = new HashMap<>();
    final long docCount;
    final double avgdl;

    Reference(List<List<String>> docs) {
      this.docs = docs;
      for (List<String> d : docs) {
        Map<String, Integer> tf = new HashMap<>();
        if (d != null) {
          d.forEach(t -> tf.merge(t, 1, Integer::sum));
        }
        tf.keySet().forEach(t -> dfs.merge(t, 1L, Long::sum));
        tfs.add(tf);
      }
      long count = 0;
      long total = 0;
      for (List<String> d : docs) {
        if (d != null && !d.isEmpty()) {
          count++;
          total += d.size();
        }
      }
      docCount = count;
      avgdl = count == 0 ? 1 : (double) total / count;
    }

    long df(String term) {
      return dfs.getOrDefault(term, 0L);
    }

    double score(List<String> query, int doc) {
      List<String> d = docs.get(doc);
      if (d == null || d.isEmpty()) {
        return 0;
      }
      double score = 0;
      for (String q : query) { // repeated query words count again
        long tf = tfs.get(doc).getOrDefault(q, 0);
        if (tf == 0) {
          continue;
        }
        long df = df(q);
        double idf = Math.log(1 + (docCount - df + 0.5) / (df + 0.5));
        double norm = 1.2 * (1 - 0.75 + 0.75 * d.size() / avgdl);
        score += idf * tf / (tf + norm);
      }
      return score;
    }

    boolean matches(List<String> query, int doc) {
      return query.stream().anyMatch(tfs.get(doc)::containsKey);
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  static TextIndexReader index(List<List<String>> docs) {
    TextIndexWriter w = new TextIndexWriter();
    for (int i = 0; i < docs.size(); i++) {
      if (docs.get(i) != null) {
        w.add(i, docs.get(i));
      }
    }
    return TextIndexReader.open(RangeReader.of(w.finish(docs.size())), "test");
  }

  static Bits bits(BitSet set, int length) {
    return new Bits() {
      @Override
      public boolean get(int ord) {
        return set.get(ord);
      }

      @Override
      public int length() {
        return length;
      }

      @Override
      public int cardinality() {
        return set.cardinality();
      }
    };
  }

  static final class Zipf {
    final double[] cdf;

    Zipf(int n, double s) {
      cdf = new double[n];
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += 1 / Math.pow(i + 1, s);
        cdf[i] = sum;
      }
      for (int i = 0; i < n; i++) {
        cdf[i] /= sum;
      }
    }

    int next(Random r) {
      int i = Arrays.binarySearch(cdf, r.nextDouble());
      return Math.min(cdf.length - 1, i < 0 ? -i - 1 : i);
    }
  }

  static List<List<String>> zipfCorpus(Random r, int n, int vocab, int maxLen) {
    Zipf zipf = new Zipf(vocab, 1.1);
    List<List<String>> docs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int roll = r.nextInt(20);
      if (roll == 0) {
        docs.add(null);
      } else if (roll == 1 && i > 0) {
        docs.add(docs.get(r.nextInt(i))); // duplicates make ties
      } else {
        int len = 1 + r.nextInt(maxLen);
        List<String> d = new ArrayList<>(len);
        for (int j = 0; j < len; j++) {
          d.add("t" + zipf.next(r));
        }
        docs.add(d);
      }
    }
    return docs;
  }

  // ---- tests ------------------------------------------------------------------------------

  private static final String[] CORPUS = {
    "The quick brown fox jumps over the lazy dog",
    "A quick brown dog outpaces a quick fox",
    "Kafka Connect streams records into Shoal namespaces",
    "Flink jobs write embeddings exactly once into Shoal",
    "",
    "The lazy dog sleeps; the fox does not sleep at all, the fox runs",
    "Shoal stores segments on object storage: S3 or a local folder",
    "brown brown brown",
  };

  @Test
  void scoresEqualAStraightforwardBm25OverAllSegmentsAndTheTail() {
    List<List<String>> all = new ArrayList<>();
    for (String text : CORPUS) {
      all.add(ANALYZER.analyze(text));
    }
    // Two segments and a WAL tail; statistics are gathered from all three.
    List<List<String>> seg1 = all.subList(0, 3);
    List<List<String>> seg2 = all.subList(3, 6);
    List<List<String>> tail = all.subList(6, 8);
    TextIndexReader r1 = index(seg1);
    TextIndexReader r2 = index(seg2);
    MemoryTextIndex mem = MemoryTextIndex.of(tail);
    Reference ref = new Reference(all);

    for (String queryText : List.of("quick fox", "the dog", "brown", "shoal fox fox", "absent")) {
      List<String> tokens = ANALYZER.analyze(queryText);
      QueryTerms terms = QueryTerms.of(tokens);
      TermLookup l1 = r1.lookup(terms);
      TermLookup l2 = r2.lookup(terms);
      Bm25Stats global = l1.stats().plus(l2.stats()).plus(mem.stats(terms));
      assertThat(global.docCount()).isEqualTo(ref.docCount);
      Bm25Query query = Bm25Query.of(terms, global);

      Map<Integer, Double> got = new HashMap<>();
      TopHits h1 = l1.search(query, 10, Bits.all(3));
      TopHits h2 = l2.search(query, 10, Bits.all(3));
      TopHits h3 = mem.search(query, 10, Bits.all(2));
      for (int i = 0; i < h1.size(); i++) {
        got.put(h1.ordinals()[i], h1.scores()[i]);
      }
      for (int i = 0; i < h2.size(); i++) {
        got.put(3 + h2.ordinals()[i], h2.scores()[i]);
      }
      for (int i = 0; i < h3.size(); i++) {
        got.put(6 + h3.ordinals()[i], h3.scores()[i]);
      }
      for (int d = 0; d < all.size(); d++) {
        if (ref.matches(tokens, d)) {
          double expected = ref.score(tokens, d);
          assertThat(got).as("query %s doc %d", queryText, d).containsKey(d);
          assertThat(got.get(d))
              .as("query %s doc %d", queryText, d)
              .isCloseTo(expected, within(expected * 1e-5));
        } else {
          assertThat(got).as("query %s doc %d", queryText, d).doesNotContainKey(d);
        }
      }
    }
  }

  @Test
  void prunedTopKEqualsExhaustiveTopKOnRandomZipfianCorpora() {
    for (long seed = 1; seed <= 25; seed++) {
      Random r = new Random(seed);
      int n = 1 + r.nextInt(seed % 4 == 0 ? 6000 : 1500);
      List<List<String>> docs = zipfCorpus(r, n, 50 + r.nextInt(800), 1 + r.nextInt(60));
      TextIndexReader reader = index(docs);
      MemoryTextIndex mem = MemoryTextIndex.of(docs);
      Reference ref = new Reference(docs);
      Zipf qz = new Zipf(400, 1.0);
      for (int q = 0; q < 12; q++) {
        int len = new int[] {1, 2, 3, 5, 8}[r.nextInt(5)];
        List<String> tokens = new ArrayList<>();
        for (int j = 0; j < len; j++) {
          tokens.add("t" + qz.next(r));
        }
        int k = new int[] {1, 3, 10, 50}[r.nextInt(4)];
        BitSet allowedSet = new BitSet(n);
        double density = new double[] {1.0, 1.0, 0.5, 0.05}[r.nextInt(4)];
        for (int d = 0; d < n; d++) {
          if (r.nextDouble() < density) {
            allowedSet.set(d);
          }
        }
        Bits allowed = bits(allowedSet, n);
        QueryTerms terms = QueryTerms.of(tokens);
        TermLookup lookup = reader.lookup(terms);
        assertThat(lookup.stats()).isEqualTo(mem.stats(terms));
        Bm25Query query = Bm25Query.of(terms, lookup.stats());
        String what = "seed " + seed + " query " + tokens + " k " + k + " density " + density;

        TopHits pruned =
            TextSearch.search(List.of(new TextSearch.Field(lookup, query)), k, allowed);
        TopHits exhaustive =
            TextSearch.search(List.of(new TextSearch.Field(lookup, query)), k, allowed, false);
        TopHits inMemory = mem.search(query, k, allowed);
        assertThat(pruned.ordinals()).as(what).isEqualTo(exhaustive.ordinals());
        assertThat(pruned.scores()).as(what).isEqualTo(exhaustive.scores());
        assertThat(inMemory.ordinals()).as(what).isEqualTo(exhaustive.ordinals());
        assertThat(inMemory.scores()).as(what).isEqualTo(exhaustive.scores());
        assertIsReferenceTopK(ref, tokens, allowedSet, k, pruned, what);
      }
    }
  }

  /** The hits are the reference's top k: scores agree, order is by score then ordinal. */
  private static void assertIsReferenceTopK(
      Reference ref, List<String> tokens, BitSet allowed, int k, TopHits hits, String what) {
    List<double[]> all = new ArrayList<>();
    for (int d = 0; d < ref.docs.size(); d++) {
      if (allowed.get(d) && ref.matches(tokens, d)) {
        all.add(new double[] {ref.score(tokens, d), d});
      }
    }
    all.sort((a, b) -> a[0] != b[0] ? Double.compare(b[0], a[0]) : Double.compare(a[1], b[1]));
    assertThat(hits.size()).as(what).isEqualTo(Math.min(k, all.size()));
    Set<Integer> returned = new HashSet<>();
    for (int i = 0; i < hits.size(); i++) {
      int doc = hits.ordinals()[i];
      returned.add(doc);
      double expected = ref.score(tokens, doc);
      assertThat(hits.scores()[i]).as(what).isCloseTo(expected, within(1e-9 + expected * 1e-9));
      if (i > 0) {
        boolean ordered =
            hits.scores()[i - 1] > hits.scores()[i]
                || (hits.scores()[i - 1] == hits.scores()[i]
                    && hits.ordinals()[i - 1] < hits.ordinals()[i]);
        assertThat(ordered).as(what + " order at " + i).isTrue();
      }
    }
    if (hits.size() > 0) {
      double last = hits.scores()[hits.size() - 1];
      for (double[] e : all) {
        if (!returned.contains((int) e[1])) {
          assertThat(e[0]).as(what + " left out " + (int) e[1]).isLessThanOrEqualTo(last + 1e-9);
        }
      }
    }
  }

  @Test
  void equalScoresComeInAscendingOrdinalOrder() {
    List<List<String>> docs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      docs.add(i % 3 == 0 ? List.of("same", "words") : List.of("other", "words", "here"));
    }
    TextIndexReader reader = index(docs);
    QueryTerms terms = QueryTerms.of(List.of("same"));
    TermLookup lookup = reader.lookup(terms);
    TopHits hits = lookup.search(Bm25Query.of(terms, lookup.stats()), 5, Bits.all(1000));
    assertThat(hits.ordinals()).containsExactly(0, 3, 6, 9, 12);
    assertThat(hits.scores()[0]).isEqualTo(hits.scores()[4]);
  }

  @Test
  void pruningSkipsMostPostingsOfCommonTerms() {
    Random r = new Random(7);
    List<List<String>> docs = zipfCorpus(r, 20000, 2000, 80);
    TextIndexReader reader = index(docs);
    QueryTerms terms = QueryTerms.of(List.of("t0", "t1", "t2", "t3", "t40"));
    TermLookup lookup = reader.lookup(terms);
    TopHits hits = lookup.search(Bm25Query.of(terms, lookup.stats()), 10, Bits.all(20000));
    assertThat(hits.stats().postingsTotal()).isGreaterThan(40_000);
    assertThat(hits.stats().postingsScored())
        .as("%s", hits.stats())
        .isLessThan(hits.stats().postingsTotal() / 2);
    assertThat(hits.stats().blocksSkipped()).isPositive();
  }

  @Test
  void sumsScoresOverSeveralFields() {
    Random r = new Random(11);
    for (int round = 0; round < 10; round++) {
      int n = 200 + r.nextInt(2000);
      List<List<String>> title = zipfCorpus(r, n, 100, 6);
      List<List<String>> body = zipfCorpus(r, n, 300, 50);
      TextIndexReader titleReader = index(title);
      TextIndexReader bodyReader = index(body);
      QueryTerms terms = QueryTerms.of(List.of("t1", "t5", "t20", "t77"));
      TermLookup tl = titleReader.lookup(terms);
      TermLookup bl = bodyReader.lookup(terms);
      Bm25Query tq = Bm25Query.of(terms, tl.stats());
      Bm25Query bq = Bm25Query.of(terms, bl.stats());
      List<TextSearch.Field> fields =
          List.of(new TextSearch.Field(tl, tq), new TextSearch.Field(bl, bq));
      Bits all = Bits.all(n);
      TopHits pruned = TextSearch.search(fields, 10, all);
      TopHits exhaustive = TextSearch.search(fields, 10, all, false);
      TopHits memory =
          MemoryTextIndex.search(
              List.of(MemoryTextIndex.of(title), MemoryTextIndex.of(body)),
              List.of(tq, bq),
              10,
              all);
      assertThat(pruned.ordinals()).isEqualTo(exhaustive.ordinals()).isEqualTo(memory.ordinals());
      assertThat(pruned.scores()).isEqualTo(exhaustive.scores()).isEqualTo(memory.scores());
      Reference rt = new Reference(title);
      Reference rb = new Reference(body);
      for (int i = 0; i < pruned.size(); i++) {
        int d = pruned.ordinals()[i];
        double expected = rt.score(terms.terms(), d) + rb.score(terms.terms(), d);
        assertThat(pruned.scores()[i]).isCloseTo(expected, within(expected * 1e-9));
      }
    }
  }

  @Test
  void handlesEmptyIndexesAndAbsentTerms() {
    TextIndexReader empty = index(Collections.nCopies(5, null));
    QueryTerms terms = QueryTerms.of(List.of("x"));
    TermLookup lookup = empty.lookup(terms);
    assertThat(lookup.stats()).isEqualTo(new Bm25Stats(0, 0, new long[] {0}));
    assertThat(lookup.search(Bm25Query.of(terms, lookup.stats()), 3, Bits.all(5)).size()).isZero();
    TextIndexReader none = index(List.of());
    assertThat(none.maxDoc()).isZero();
  }

  @Test
  void rejectsOrdinalsOutOfOrder() {
    TextIndexWriter w = new TextIndexWriter();
    w.add(3, List.of("a"));
    assertThatThrownBy(() -> w.add(3, List.of("b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot add document 3 to text index: ordinals must ascend, previous was 3");
    assertThatThrownBy(() -> w.finish(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot finish text index: maxDoc 3 but ordinal 3 added");
  }

  @Test
  void corruptOrTruncatedBytesFailWithAClearError() {
    Random r = new Random(5);
    List<List<String>> docs = zipfCorpus(r, 3000, 300, 30);
    TextIndexWriter w = new TextIndexWriter();
    for (int i = 0; i < docs.size(); i++) {
      if (docs.get(i) != null) {
        w.add(i, docs.get(i));
      }
    }
    byte[] good = w.finish(docs.size());
    QueryTerms terms = QueryTerms.of(List.of("t0", "t1", "t3", "t150", "t299"));

    assertThatThrownBy(
            () -> TextIndexReader.open(RangeReader.of(Arrays.copyOf(good, 50)), "seg-1 body"))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessage(
            "Cannot decode object seg-1 body: text index is truncated: 50 bytes, less than a header");
    assertThatThrownBy(
            () ->
                TextIndexReader.open(
                    RangeReader.of(Arrays.copyOf(good, good.length - 1)), "seg-1 body"))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("truncated or padded");
    byte[] badMagic = good.clone();
    badMagic[0] ^= 1;
    assertThatThrownBy(() -> TextIndexReader.open(RangeReader.of(badMagic), "seg-1 body"))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("not a text index");

    // Flip one byte anywhere: opening, looking up, searching or verifying must notice.
    int noticed = 0;
    for (int trial = 0; trial < 300; trial++) {
      byte[] bad = good.clone();
      int pos = r.nextInt(bad.length);
      bad[pos] ^= (byte) (1 + r.nextInt(255));
      try {
        TextIndexReader reader = TextIndexReader.open(RangeReader.of(bad), "seg-1 body");
        reader.verifyChecksum();
      } catch (CorruptObjectException e) {
        assertThat(e.getMessage()).startsWith("Cannot decode object seg-1 body: text index ");
        noticed++;
        continue;
      }
      throw new AssertionError("corruption at byte " + pos + " went unnoticed");
    }
    assertThat(noticed).isEqualTo(300);

    // Without the full verification, a corrupt postings list is caught when it is read.
    TextIndexReader reader = TextIndexReader.open(RangeReader.of(good), "seg-1 body");
    TermLookup lookup = reader.lookup(terms);
    TermLookup.Entry e = lookup.entry(0);
    byte[] bad = good.clone();
    bad[(int) e.offset() + e.length() / 2] ^= 0x10;
    TextIndexReader badReader = TextIndexReader.open(RangeReader.of(bad), "seg-1 body");
    TermLookup badLookup = badReader.lookup(terms);
    assertThatThrownBy(
            () -> badLookup.search(Bm25Query.of(terms, badLookup.stats()), 10, Bits.all(3000)))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessage(
            "Cannot decode object seg-1 body: text index is corrupt: postings of \"t0\" checksum mismatch");
  }
}
