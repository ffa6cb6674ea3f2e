package dev.shoal.bench;

import dev.shoal.engine.index.Bits;
import dev.shoal.engine.index.RangeReader;
import dev.shoal.engine.index.postings.SearchStats;
import dev.shoal.engine.index.postings.TopHits;
import dev.shoal.engine.index.text.Bm25Query;
import dev.shoal.engine.index.text.QueryTerms;
import dev.shoal.engine.index.text.TermLookup;
import dev.shoal.engine.index.text.TextAnalyzer;
import dev.shoal.engine.index.text.TextAnalyzerOptions;
import dev.shoal.engine.index.text.TextIndexReader;
import dev.shoal.engine.index.text.TextIndexWriter;
import java.io.IOException;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * BM25 top-10 search, Shoal's text index against Lucene 9 on the same tokens: a seeded corpus with
 * a Zipfian vocabulary, OR queries of 1, 3 and 8 terms. Prints result overlap, latency percentiles
 * and how many postings Shoal's pruning skipped. Single-threaded, in memory, one segment each.
 *
 * <p>Arguments (all optional): {@code --docs 100000 --vocab 50000 --queries 200 --rounds 5 --seed
 * 42}.
 */
public final class TextBenchmark {
  private TextBenchmark() {}

  public static void main(String[] args) throws IOException {
    int docs = 100_000;
    int vocab = 50_000;
    int queries = 200;
    int rounds = 5;
    long seed = 42;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--docs" -> docs = Integer.parseInt(args[i + 1]);
        case "--vocab" -> vocab = Integer.parseInt(args[i + 1]);
        case "--queries" -> queries = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("Cannot parse arguments: unknown " + args[i]);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "TextBenchmark: %,d docs, vocabulary %,d (Zipf s=1.0), doc length 20-200, seed %d, Java %s%n",
        docs,
        vocab,
        seed,
        System.getProperty("java.version"));

    Random random = new Random(seed);
    Zipf zipf = new Zipf(vocab, 1.0);
    String[] words = new String[vocab];
    for (int i = 0; i < vocab; i++) {
      words[i] = word(i);
    }
    List<String> texts = new ArrayList<>(docs);
    long tokens = 0;
    for (int d = 0; d < docs; d++) {
      int len = 20 + random.nextInt(181);
      StringBuilder sb = new StringBuilder(len * 6);
      for (int j = 0; j < len; j++) {
        if (j > 0) {
          sb.append(' ');
        }
        sb.append(words[zipf.next(random)]);
      }
      texts.add(sb.toString());
      tokens += len;
    }
    System.out.printf(Locale.ROOT, "corpus: %,d tokens%n%n", tokens);

    analyzerThroughput(texts);

    // Shoal index.
    TextAnalyzer analyzer = TextAnalyzer.of(TextAnalyzerOptions.DEFAULT);
    long t0 = System.nanoTime();
    TextIndexWriter writer = new TextIndexWriter();
    for (int d = 0; d < docs; d++) {
      writer.add(d, analyzer.analyze(texts.get(d)));
    }
    byte[] bytes = writer.finish(docs);
    TextIndexReader shoal = TextIndexReader.open(RangeReader.of(bytes), "bench body");
    long shoalBuild = System.nanoTime() - t0;

    // Lucene index on the same tokens.
    t0 = System.nanoTime();
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    IndexWriterConfig cfg = new IndexWriterConfig(new WhitespaceAnalyzer());
    cfg.setSimilarity(new BM25Similarity(1.2f, 0.75f));
    cfg.setRAMBufferSizeMB(256);
    try (IndexWriter iw = new IndexWriter(dir, cfg)) {
      for (int d = 0; d < docs; d++) {
        Document doc = new Document();
        doc.add(new TextField("body", texts.get(d), Field.Store.NO));
        doc.add(new NumericDocValuesField("ord", d));
        iw.addDocument(doc);
      }
      iw.forceMerge(1);
    }
    DirectoryReader luceneReader = DirectoryReader.open(dir);
    IndexSearcher lucene = new IndexSearcher(luceneReader);
    lucene.setSimilarity(new BM25Similarity(1.2f, 0.75f));
    lucene.setQueryCache(null);
    long luceneBuild = System.nanoTime() - t0;
    int[] luceneToOrd = luceneOrdinals(luceneReader);
    System.out.printf(
        Locale.ROOT,
        "index build: Shoal %.1f s (%,d bytes), Lucene %.1f s (%,d bytes, 1 segment)%n%n",
        shoalBuild / 1e9,
        bytes.length,
        luceneBuild / 1e9,
        dirBytes(dir));

    System.out.println(
        "| terms | queries | top-10 overlap | Shoal p50 ms | Shoal p99 ms | Lucene p50 ms | Lucene p99 ms"
            + " | p50 ratio | p99 ratio | postings/query | scored | skipped | blocks decoded/skipped |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (int terms : new int[] {1, 3, 8}) {
      List<String> qs = new ArrayList<>(queries);
      for (int q = 0; q < queries; q++) {
        Set<String> picked = new LinkedHashSet<>();
        while (picked.size() < terms) {
          picked.add(words[zipf.next(random)]);
        }
        qs.add(String.join(" ", picked));
      }
      runSet(terms, qs, analyzer, shoal, lucene, luceneToOrd, rounds);
    }
  }

  private static void runSet(
      int terms,
      List<String> qs,
      TextAnalyzer analyzer,
      TextIndexReader shoal,
      IndexSearcher lucene,
      int[] luceneToOrd,
      int rounds)
      throws IOException {
    int n = qs.size();
    Bits all = Bits.all(shoal.maxDoc());
    // Warm up both (JIT), then time rounds, alternating engines per query.
    for (int w = 0; w < 3; w++) {
      for (String q : qs) {
        shoalSearch(analyzer, shoal, q, all);
        lucene.search(luceneQuery(q), 10);
      }
    }
    long[] shoalNs = new long[n * rounds];
    long[] luceneNs = new long[n * rounds];
    double overlap = 0;
    SearchStats stats = SearchStats.EMPTY;
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < n; i++) {
        String q = qs.get(i);
        long t0 = System.nanoTime();
        TopHits hits = shoalSearch(analyzer, shoal, q, all);
        long t1 = System.nanoTime();
        TopDocs top = lucene.search(luceneQuery(q), 10);
        long t2 = System.nanoTime();
        shoalNs[r * n + i] = t1 - t0;
        luceneNs[r * n + i] = t2 - t1;
        if (r == 0) {
          stats = stats.plus(hits.stats());
          Set<Integer> mine = new HashSet<>();
          for (int o : hits.ordinals()) {
            mine.add(o);
          }
          int common = 0;
          for (ScoreDoc sd : top.scoreDocs) {
            if (mine.contains(luceneToOrd[sd.doc])) {
              common++;
            }
          }
          int denom = Math.max(1, Math.min(hits.size(), top.scoreDocs.length));
          overlap += (double) common / denom;
        }
      }
    }
    Arrays.sort(shoalNs);
    Arrays.sort(luceneNs);
    double s50 = pct(shoalNs, 0.50);
    double s99 = pct(shoalNs, 0.99);
    double l50 = pct(luceneNs, 0.50);
    double l99 = pct(luceneNs, 0.99);
    System.out.printf(
        Locale.ROOT,
        "| %d | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f | %.2f | %,d | %.1f%% | %.1f%% | %,d / %,d |%n",
        terms,
        n,
        overlap / n,
        s50,
        s99,
        l50,
        l99,
        s50 / l50,
        s99 / l99,
        stats.postingsTotal() / n,
        100.0 * stats.postingsScored() / Math.max(1, stats.postingsTotal()),
        100.0 * stats.postingsSkipped() / Math.max(1, stats.postingsTotal()),
        stats.blocksDecoded() / n,
        stats.blocksSkipped() / n);
  }

  private static TopHits shoalSearch(
      TextAnalyzer analyzer, TextIndexReader reader, String q, Bits all) {
    QueryTerms terms = QueryTerms.of(analyzer.analyze(q));
    TermLookup lookup = reader.lookup(terms);
    // One segment and no tail: the segment's statistics are the global ones.
    return lookup.search(Bm25Query.of(terms, lookup.stats()), 10, all);
  }

  private static BooleanQuery luceneQuery(String q) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (String t : q.split(" ")) {
      b.add(new TermQuery(new Term("body", t)), BooleanClause.Occur.SHOULD);
    }
    return b.build();
  }

  private static double pct(long[] sortedNs, double p) {
    int i = (int) Math.min(sortedNs.length - 1, Math.ceil(p * sortedNs.length) - 1);
    return sortedNs[Math.max(0, i)] / 1e6;
  }

  private static int[] luceneOrdinals(DirectoryReader reader) throws IOException {
    int[] out = new int[reader.maxDoc()];
    for (LeafReaderContext ctx : reader.leaves()) {
      NumericDocValues ords = ctx.reader().getNumericDocValues("ord");
      for (int d = 0; d < ctx.reader().maxDoc(); d++) {
        if (ords.advanceExact(d)) {
          out[ctx.docBase + d] = (int) ords.longValue();
        }
      }
    }
    return out;
  }

  private static long dirBytes(ByteBuffersDirectory dir) throws IOException {
    long sum = 0;
    for (String f : dir.listAll()) {
      sum += dir.fileLength(f);
    }
    return sum;
  }

  /** Analyzer speed on English-like text (punctuation, capitals), against BreakIterator. */
  private static void analyzerThroughput(List<String> texts) {
    Random r = new Random(1);
    StringBuilder sb = new StringBuilder();
    String[] punct = {" ", " ", " ", " ", ", ", ". ", " - ", "'s ", " (", ") "};
    for (int i = 0; i < 2_000; i++) {
      for (String w : texts.get(i).split(" ")) {
        sb.append(r.nextInt(10) == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
        sb.append(punct[r.nextInt(punct.length)]);
      }
    }
    String text = sb.toString();
    TextAnalyzer analyzer = TextAnalyzer.of(TextAnalyzerOptions.DEFAULT);
    TextAnalyzer english = TextAnalyzer.of(TextAnalyzerOptions.ENGLISH);
    long best1 = Long.MAX_VALUE;
    long best2 = Long.MAX_VALUE;
    long best3 = Long.MAX_VALUE;
    int count1 = 0;
    int count3 = 0;
    for (int rep = 0; rep < 15; rep++) {
      long t0 = System.nanoTime();
      count1 = analyzer.analyze(text).size();
      long t1 = System.nanoTime();
      english.analyze(text);
      long t2 = System.nanoTime();
      count3 = breakIteratorWords(text);
      long t3 = System.nanoTime();
      best1 = Math.min(best1, t1 - t0);
      best2 = Math.min(best2, t2 - t1);
      best3 = Math.min(best3, t3 - t2);
    }
    double mb = text.length() / 1e6;
    System.out.printf(
        Locale.ROOT,
        "analyzer on %.1f M chars: Shoal %.0f MB/s (%,d tokens), Shoal+stop+Porter %.0f MB/s,"
            + " BreakIterator + lower-casing %.0f MB/s (%,d words)%n",
        mb,
        mb / (best1 / 1e9),
        count1,
        mb / (best2 / 1e9),
        mb / (best3 / 1e9),
        count3);
  }

  /** What an analyzer built on BreakIterator would do: segment, keep words, lower-case them. */
  private static int breakIteratorWords(String text) {
    BreakIterator it = BreakIterator.getWordInstance(Locale.ROOT);
    it.setText(text);
    List<String> out = new ArrayList<>();
    int start = it.first();
    for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
      if (Character.isLetterOrDigit(text.codePointAt(start))) {
        out.add(text.substring(start, end).toLowerCase(Locale.ROOT));
      }
    }
    return out.size();
  }

  /** A pronounceable-enough, distinct word per vocabulary rank. */
  static String word(int rank) {
    StringBuilder sb = new StringBuilder();
    int v = rank + 26 * 26;
    while (v > 0) {
      sb.append((char) ('a' + v % 26));
      v /= 26;
    }
    return sb.toString();
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

  /** Splits on spaces only: the corpus is already lower-case words, as Shoal's analyzer sees it. */
  static final class WhitespaceAnalyzer extends Analyzer {
    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
      return new TokenStreamComponents(new WhitespaceTokenizer());
    }
  }

  static final class WhitespaceTokenizer extends Tokenizer {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final OffsetAttribute offset = addAttribute(OffsetAttribute.class);
    private final char[] buf = new char[4096];
    private int len;
    private int pos;
    private int base;

    @Override
    public boolean incrementToken() throws IOException {
      clearAttributes();
      while (true) {
        if (pos >= len) {
          base += len;
          len = input.read(buf, 0, buf.length);
          pos = 0;
          if (len <= 0) {
            len = 0;
            return false;
          }
        }
        if (buf[pos] != ' ') {
          break;
        }
        pos++;
      }
      int start = base + pos;
      term.setEmpty();
      while (true) {
        if (pos >= len) {
          base += len;
          len = input.read(buf, 0, buf.length);
          pos = 0;
          if (len <= 0) {
            len = 0;
            break;
          }
        }
        char c = buf[pos];
        if (c == ' ') {
          break;
        }
        term.append(c);
        pos++;
      }
      offset.setOffset(correctOffset(start), correctOffset(start + term.length()));
      return true;
    }

    @Override
    public void reset() throws IOException {
      super.reset();
      len = 0;
      pos = 0;
      base = 0;
    }
  }
}
