package dev.shoal.engine.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.engine.Engine;
import dev.shoal.engine.EngineConfig;
import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.index.text.TextAnalyzer;
import dev.shoal.engine.index.text.TextAnalyzerOptions;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.model.SparseVector;
import dev.shoal.engine.storage.InMemoryObjectStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Queries through the whole engine (segments with indexes plus the WAL tail) against brute-force
 * references on random data: exact kNN with filters, BM25, sparse dot, RRF, attribute order, and
 * the tail shadowing segments.
 */
class QueryCorrectnessTest {
  private static final String[] WORDS = {
    "kafka", "flink", "stream", "vector", "search", "index", "segment", "object", "storage",
    "query", "filter", "merge", "commit", "manifest", "batch", "sink", "topic", "shoal"
  };

  private final long seed = Long.getLong("shoal.test.seed", new Random().nextLong());
  private final Random random = new Random(seed);
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final Engine engine =
      Engine.builder()
          .store(store)
          .config(EngineConfig.builder().autoCompact(false).build())
          .build();
  private final Map<String, Document> model = new TreeMap<>();

  @AfterEach
  void close() {
    engine.close();
  }

  private Document randomDoc(String id, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
    }
    StringBuilder body = new StringBuilder();
    int words = 1 + random.nextInt(12);
    for (int i = 0; i < words; i++) {
      // Zipf-ish: low indexes are common.
      body.append(WORDS[(int) Math.min(WORDS.length - 1, Math.abs(random.nextGaussian()) * 5)])
          .append(' ');
    }
    Map<String, String> text = new HashMap<>();
    text.put("body", body.toString());
    if (random.nextBoolean()) {
      text.put(
          "title", WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)]);
    }
    Map<String, Object> attrs = new HashMap<>();
    attrs.put("n", random.nextInt(100));
    if (random.nextInt(3) > 0) {
      attrs.put("lang", random.nextBoolean() ? "en" : "fr");
    }
    attrs.put("tags", List.of("t" + random.nextInt(4), "t" + random.nextInt(4)));
    int[] idx = {random.nextInt(50), 50 + random.nextInt(50)};
    float[] val = {random.nextFloat(), random.nextFloat()};
    return new Document(
        id, random.nextInt(10) == 0 ? null : v, SparseVector.of(idx, val), text, attrs);
  }

  /** Writes {@code n} docs in batches, compacting now and then so data spans segments and tail. */
  private void load(NamespacePath ns, int n, int dim) {
    List<Document> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (i == n / 2) {
        engine.compact(ns, true); // at least one segment, whatever the random choices below
      }
      Document d = randomDoc(String.format("d%05d", random.nextInt(n * 2)), dim);
      batch.add(d);
      if (batch.size() == 100 || i == n - 1) {
        engine.write(ns, WriteRequest.upsert(batch));
        batch.forEach(x -> model.put(x.id(), x));
        batch = new ArrayList<>();
        if (random.nextInt(4) == 0) {
          engine.compact(ns, random.nextInt(3) == 0);
        }
      }
    }
    engine.compact(ns, false);
    // Some updates and deletes stay in the tail, shadowing segment data.
    List<String> ids = new ArrayList<>(model.keySet());
    List<Document> updates = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Document d = randomDoc(ids.get(random.nextInt(ids.size())), dim);
      updates.add(d);
    }
    List<String> deletes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      deletes.add(ids.get(random.nextInt(ids.size())));
    }
    engine.write(ns, WriteRequest.builder().upserts(updates).deletes(deletes).build());
    updates.forEach(d -> model.put(d.id(), d));
    deletes.forEach(model::remove);
    assertThat(engine.getNamespace(ns).segments()).as("seed %d", seed).isPositive();
    assertThat(engine.getNamespace(ns).walFiles()).as("seed %d", seed).isPositive();
  }

  private Filter randomFilter() {
    return switch (random.nextInt(5)) {
      case 0 -> null;
      case 1 -> Filter.Compare.of("lang", Filter.Op.Eq, "en");
      case 2 -> Filter.Compare.of("n", Filter.Op.Lt, random.nextInt(100));
      case 3 ->
          new Filter.And(
              List.of(
                  Filter.Compare.of("tags", Filter.Op.Contains, "t1"),
                  new Filter.Not(Filter.Compare.of("lang", Filter.Op.Eq, null))));
      default -> Filter.Compare.of("n", Filter.Op.In, List.of(1, 2, 3, 5, 8, 13, 21, 34));
    };
  }

  /** Brute force: the top k model documents by a score, ties by id. */
  private List<Map.Entry<String, Double>> reference(
      Filter filter, ToDoubleFunction<Document> score, Set<String> eligible, int k) {
    List<Map.Entry<String, Double>> all = new ArrayList<>();
    for (Document d : model.values()) {
      if ((filter == null || filter.matches(d)) && eligible.contains(d.id())) {
        all.add(Map.entry(d.id(), score.applyAsDouble(d)));
      }
    }
    all.sort(
        Comparator.<Map.Entry<String, Double>>comparingDouble(e -> -e.getValue())
            .thenComparing(Map.Entry::getKey));
    return all.subList(0, Math.min(k, all.size()));
  }

  private static void assertSameRanking(
      List<QueryRow> rows, List<Map.Entry<String, Double>> expected, double tolerance, String why) {
    assertThat(rows).as(why).hasSameSizeAs(expected);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).score())
          .as("score of row %d (%s)", i, why)
          .isCloseTo(expected.get(i).getValue(), within(tolerance));
    }
    // Ids must match except where scores tie within the tolerance.
    for (int i = 0; i < rows.size(); i++) {
      if (!rows.get(i).id().equals(expected.get(i).getKey())) {
        assertThat(Math.abs(rows.get(i).score() - expected.get(i).getValue()))
            .as(
                "row %d is %s, expected %s (%s)",
                i, rows.get(i).id(), expected.get(i).getKey(), why)
            .isLessThan(tolerance);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(DistanceMetric.class)
  void exactKnnWithFiltersEqualsBruteForce(DistanceMetric metric) {
    NamespacePath ns = NamespacePath.of("acme", "correct", "knn-" + metric.jsonName());
    engine.createNamespace(ns, metric, Map.of());
    load(ns, 1500, 16);
    Set<String> withVector = new HashSet<>();
    model
        .values()
        .forEach(
            d -> {
              if (d.vector() != null) {
                withVector.add(d.id());
              }
            });
    for (int q = 0; q < 20; q++) {
      float[] query = randomDoc("q", 16).vector();
      if (query == null) {
        continue;
      }
      Filter filter = randomFilter();
      int k = 1 + random.nextInt(30);
      List<QueryRow> rows =
          engine
              .query(
                  ns,
                  QueryRequest.builder()
                      .rankBy(new RankBy.Vector(query, true))
                      .filter(filter)
                      .topK(k)
                      .build())
              .rows();
      List<Map.Entry<String, Double>> expected =
          reference(filter, d -> Similarity.score(metric, query, d.vector()), withVector, k);
      assertSameRanking(rows, expected, 1e-4, "kNN " + metric + " " + filter + " seed " + seed);
      for (QueryRow row : rows) {
        assertThat(row.attrs()).isEqualTo(model.get(row.id()).attrs());
      }
    }
  }

  /** Clustered data, like real embeddings: points around a few dozen centres. */
  @Test
  void annRecallIsHighThroughTheEngine() {
    NamespacePath ns = NamespacePath.of("acme", "correct", "ann");
    int dim = 32;
    float[][] centres = new float[40][dim];
    for (float[] c : centres) {
      for (int i = 0; i < dim; i++) {
        c[i] = (float) random.nextGaussian() * 3;
      }
    }
    List<Document> docs = new ArrayList<>();
    // More than SegmentWriter.FLAT_BELOW, so the segment gets a clustered index.
    for (int i = 0; i < 20_000; i++) {
      docs.add(Document.of("d" + i, near(centres[random.nextInt(centres.length)]), Map.of()));
      if (docs.size() == 1000) {
        engine.write(ns, WriteRequest.upsert(docs));
        docs = new ArrayList<>();
      }
    }
    engine.compact(ns, true);
    assertThat(
            engine
                .query(
                    ns,
                    QueryRequest.builder()
                        .rankBy(new RankBy.Vector(near(centres[0]), false))
                        .build())
                .performance()
                .segmentsSearched())
        .isEqualTo(1);
    double hits = 0;
    int total = 0;
    for (int q = 0; q < 30; q++) {
      float[] query = near(centres[random.nextInt(centres.length)]);
      Set<String> exact = new HashSet<>();
      engine
          .query(ns, QueryRequest.builder().rankBy(new RankBy.Vector(query, true)).topK(10).build())
          .rows()
          .forEach(r -> exact.add(r.id()));
      for (QueryRow r :
          engine
              .query(
                  ns,
                  QueryRequest.builder().rankBy(new RankBy.Vector(query, false)).topK(10).build())
              .rows()) {
        if (exact.contains(r.id())) {
          hits++;
        }
      }
      total += exact.size();
    }
    assertThat(hits / total).as("recall@10 (seed %d)", seed).isGreaterThan(0.95);
  }

  /**
   * BM25 statistics count every indexed version until compaction merges shadowed ones away (as in
   * Lucene), so the reference holds exactly on a corpus without updates: each id written once,
   * spread over several segments and the tail.
   */
  @Test
  void bm25EqualsReferenceAcrossSegmentsAndTail() {
    NamespacePath ns = NamespacePath.of("acme", "correct", "bm25");
    for (int batch = 0; batch < 8; batch++) {
      List<Document> docs = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        docs.add(randomDoc(String.format("d%d-%03d", batch, i), 4));
      }
      engine.write(ns, WriteRequest.upsert(docs));
      docs.forEach(d -> model.put(d.id(), d));
      if (batch % 3 == 2) {
        engine.compact(ns, true);
      }
    }
    assertThat(engine.getNamespace(ns).segments()).isPositive();
    assertThat(engine.getNamespace(ns).walFiles()).isPositive();
    TextAnalyzer analyzer = TextAnalyzer.of(TextAnalyzerOptions.DEFAULT);
    for (String field : List.of("body", "title", "$text")) {
      for (int q = 0; q < 10; q++) {
        String text = WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(6)];
        List<String> terms = analyzer.analyze(text);
        Map<String, Double> scores = referenceBm25(field, terms, analyzer);
        List<Map.Entry<String, Double>> expected =
            reference(null, d -> scores.getOrDefault(d.id(), 0.0), positive(scores), 10);
        List<QueryRow> rows =
            engine
                .query(
                    ns,
                    QueryRequest.builder().rankBy(new RankBy.Text(field, text)).topK(10).build())
                .rows();
        assertSameRanking(rows, expected, 1e-6, "BM25 " + field + " '" + text + "' seed " + seed);
      }
    }
  }

  private float[] near(float[] centre) {
    float[] v = new float[centre.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = centre[i] + (float) random.nextGaussian();
    }
    return v;
  }

  private static Set<String> positive(Map<String, Double> scores) {
    Set<String> out = new HashSet<>();
    scores.forEach(
        (id, s) -> {
          if (s > 0) {
            out.add(id);
          }
        });
    return out;
  }

  /**
   * Straightforward BM25 (k1 1.2, b 0.75, Lucene's idf and tf normalization): statistics per field
   * over documents with at least one token in it; {@code $text} sums the fields' scores.
   */
  private Map<String, Double> referenceBm25(
      String field, List<String> queryTerms, TextAnalyzer analyzer) {
    Set<String> fields = new HashSet<>();
    if (field.equals("$text")) {
      model.values().forEach(d -> fields.addAll(d.text().keySet()));
    } else {
      fields.add(field);
    }
    Map<String, Integer> queryCounts = new LinkedHashMap<>();
    queryTerms.forEach(t -> queryCounts.merge(t, 1, Integer::sum));
    Map<String, Double> out = new HashMap<>();
    for (String f : fields) {
      Map<String, List<String>> tokens = new HashMap<>();
      long totalLength = 0;
      for (Document d : model.values()) {
        String value = d.text().get(f);
        if (value != null) {
          List<String> t = analyzer.analyze(value);
          if (!t.isEmpty()) {
            tokens.put(d.id(), t);
            totalLength += t.size();
          }
        }
      }
      double n = tokens.size();
      double avgdl = totalLength / n;
      for (Map.Entry<String, Integer> term : queryCounts.entrySet()) {
        long df = tokens.values().stream().filter(t -> t.contains(term.getKey())).count();
        if (df == 0) {
          continue;
        }
        double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        tokens.forEach(
            (id, t) -> {
              long tf = t.stream().filter(term.getKey()::equals).count();
              if (tf > 0) {
                double norm = 1.2 * (1 - 0.75 + 0.75 * t.size() / avgdl);
                out.merge(id, term.getValue() * idf * tf / (tf + norm), Double::sum);
              }
            });
      }
    }
    return out;
  }

  @Test
  void sparseDotEqualsBruteForce() {
    NamespacePath ns = NamespacePath.of("acme", "correct", "sparse");
    load(ns, 1000, 4);
    for (int q = 0; q < 10; q++) {
      SparseVector query =
          SparseVector.of(
              new int[] {random.nextInt(50), 50 + random.nextInt(50)}, new float[] {1f, 0.5f});
      Filter filter = randomFilter();
      List<QueryRow> rows =
          engine
              .query(
                  ns,
                  QueryRequest.builder()
                      .rankBy(new RankBy.Sparse(query))
                      .filter(filter)
                      .topK(10)
                      .build())
              .rows();
      Map<String, Double> scores = new HashMap<>();
      model.values().forEach(d -> scores.put(d.id(), d.sparse().dot(query)));
      assertSameRanking(
          rows,
          reference(filter, d -> scores.get(d.id()), positive(scores), 10),
          1e-6,
          "sparse seed " + seed);
    }
  }

  @Test
  void hybridEqualsReciprocalRankFusionOfItsParts() {
    NamespacePath ns = NamespacePath.of("acme", "correct", "hybrid");
    load(ns, 600, 8);
    float[] vector = randomDoc("q", 8).vector();
    if (vector == null) {
      vector = new float[] {1, 0, 0, 0, 0, 0, 0, 1};
    }
    RankBy a = new RankBy.Vector(vector, true);
    RankBy b = new RankBy.Text("body", "kafka stream");
    List<QueryRow> ra = engine.query(ns, QueryRequest.builder().rankBy(a).topK(20).build()).rows();
    List<QueryRow> rb = engine.query(ns, QueryRequest.builder().rankBy(b).topK(15).build()).rows();
    Map<String, Double> fused = new HashMap<>();
    for (int i = 0; i < ra.size(); i++) {
      fused.merge(ra.get(i).id(), 1.0 / (60 + i + 1), Double::sum);
    }
    for (int i = 0; i < rb.size(); i++) {
      fused.merge(rb.get(i).id(), 1.0 / (60 + i + 1), Double::sum);
    }
    List<QueryRow> rows =
        engine
            .query(
                ns,
                QueryRequest.builder()
                    .queries(
                        List.of(
                            new QueryRequest.SubQuery(a, null, 20),
                            new QueryRequest.SubQuery(b, null, 15)))
                    .topK(10)
                    .build())
            .rows();
    assertSameRanking(
        rows,
        reference(null, d -> fused.getOrDefault(d.id(), 0.0), fused.keySet(), 10),
        1e-12,
        "rrf");
  }

  @Test
  void attributeAndIdOrderSpanSegmentsAndTail() {
    NamespacePath ns = NamespacePath.of("acme", "correct", "order");
    load(ns, 700, 4);
    List<QueryRow> byN =
        engine
            .query(
                ns,
                QueryRequest.builder()
                    .rankBy(new RankBy.Attribute("n", true))
                    .filter(Filter.Compare.of("lang", Filter.Op.Eq, "fr"))
                    .topK(25)
                    .build())
            .rows();
    List<Document> expected = new ArrayList<>();
    model.values().stream().filter(d -> "fr".equals(d.attrs().get("lang"))).forEach(expected::add);
    expected.sort(
        Comparator.<Document>comparingLong(d -> -((Long) d.attrs().get("n")))
            .thenComparing(Document::id));
    assertThat(byN)
        .extracting(QueryRow::id)
        .containsExactlyElementsOf(expected.subList(0, 25).stream().map(Document::id).toList());
    assertThat(byN).allMatch(r -> r.score() == null);
    List<QueryRow> byId = engine.query(ns, QueryRequest.builder().topK(10_000).build()).rows();
    assertThat(byId).extracting(QueryRow::id).containsExactlyElementsOf(model.keySet());
  }

  /**
   * {@code segments_searched} counts distinct segments, {@code exhaustive_docs} the documents
   * scored one by one (the tail, exact vector scoring, attribute ordering), each once per query.
   */
  @Test
  void performanceCountsDistinctSegmentsAndDocumentsScannedExhaustively() {
    NamespacePath ns = NamespacePath.of("acme", "correct", "performance");
    int[] batches = {200, 200, 50};
    int next = 0;
    for (int b = 0; b < batches.length; b++) {
      List<Document> docs = new ArrayList<>();
      for (int i = 0; i < batches[b]; i++, next++) {
        float[] v = {random.nextFloat(), random.nextFloat(), random.nextFloat()};
        docs.add(
            new Document(
                String.format("p%04d", next),
                v,
                null,
                Map.of("body", next % 2 == 0 ? "even kafka" : "odd kafka"),
                Map.of("n", next % 10)));
      }
      engine.write(ns, WriteRequest.upsert(docs));
      if (b < 2) {
        engine.compact(ns, true);
      }
    }
    int segments = engine.getNamespace(ns).segments();
    assertThat(segments).isPositive();
    RankBy knn = new RankBy.Vector(new float[] {0.5f, 0.5f, 0.5f}, true);
    RankBy text = new RankBy.Text("body", "even");
    QueryPerformance exact =
        engine.query(ns, QueryRequest.builder().rankBy(knn).build()).performance();
    assertThat(exact.segmentsSearched()).isEqualTo(segments);
    assertThat(exact.exhaustiveDocs()).isEqualTo(450);
    QueryPerformance bm25 =
        engine.query(ns, QueryRequest.builder().rankBy(text).build()).performance();
    assertThat(bm25.segmentsSearched()).isEqualTo(segments);
    assertThat(bm25.exhaustiveDocs()).as("only the tail").isEqualTo(50);
    QueryPerformance hybrid =
        engine
            .query(
                ns,
                QueryRequest.builder()
                    .queries(
                        List.of(
                            new QueryRequest.SubQuery(knn, null, 10),
                            new QueryRequest.SubQuery(text, null, 10),
                            new QueryRequest.SubQuery(knn, null, 5)))
                    .build())
            .performance();
    assertThat(hybrid.segmentsSearched()).as("each segment once").isEqualTo(segments);
    assertThat(hybrid.exhaustiveDocs()).as("each document once").isEqualTo(450);
    QueryPerformance ordered =
        engine
            .query(
                ns,
                QueryRequest.builder()
                    .rankBy(new RankBy.Attribute("n", false))
                    .filter(Filter.Compare.of("n", Filter.Op.Lt, 3))
                    .build())
            .performance();
    assertThat(ordered.segmentsSearched()).isEqualTo(segments);
    // n < 3 passes 3 in 10 of the 400 segment documents; the whole tail is read.
    assertThat(ordered.exhaustiveDocs()).isEqualTo(120 + 50);
  }

  @Test
  void tailUpdatesAndDeletesShadowSegments() {
    NamespacePath ns = NamespacePath.of("acme", "correct", "shadow");
    Document a =
        new Document("a", new float[] {1, 0}, null, Map.of("body", "old words"), Map.of("v", 1));
    Document b =
        new Document("b", new float[] {0, 1}, null, Map.of("body", "old words"), Map.of("v", 1));
    engine.write(ns, WriteRequest.upsert(List.of(a, b)));
    engine.compact(ns, true);
    Document a2 =
        new Document("a", new float[] {0, 1}, null, Map.of("body", "new words"), Map.of("v", 2));
    engine.write(ns, WriteRequest.builder().upsert(a2).delete("b").build());
    List<QueryRow> rows =
        engine
            .query(
                ns,
                QueryRequest.builder()
                    .rankBy(new RankBy.Vector(new float[] {1, 0}, false))
                    .topK(10)
                    .build())
            .rows();
    assertThat(rows).extracting(QueryRow::id).containsExactly("a");
    assertThat(rows.get(0).score()).isCloseTo(0.0, within(1e-6));
    assertThat(rows.get(0).attrs()).isEqualTo(Map.of("v", 2L));
    assertThat(
            engine
                .query(ns, QueryRequest.builder().rankBy(new RankBy.Text("body", "old")).build())
                .rows())
        .isEmpty();
    assertThat(
            engine
                .query(
                    ns,
                    QueryRequest.builder().filter(Filter.Compare.of("v", Filter.Op.Eq, 1)).build())
                .rows())
        .isEmpty();
    assertThat(engine.getNamespace(ns).docCount()).isEqualTo(1);
  }
}
