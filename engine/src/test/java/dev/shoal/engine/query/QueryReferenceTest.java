package dev.shoal.engine.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.engine.Consistency;
import dev.shoal.engine.Engine;
import dev.shoal.engine.EngineConfig;
import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.json.FilterJson;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine (segments plus WAL tail) against references written independently of its code, on
 * random data: every filter operator of API.md, equal scores in ascending id order, attribute and
 * id order both ways, the include options, and the age limit of {@code eventual} reads.
 */
class QueryReferenceTest {
  private static final String[] NAMES = {
    "Kafka-sink", "kafka-source", "Flink", "flink-sql", "Shoal", "sh?al", "a*b", "[x]", "FLINK"
  };
  private static final String[] BODIES = {
    "kafka stream sink", "flink stream", "kafka kafka topic", "vector search index"
  };
  private static final float[][] POOL = {
    {1, 0, 0, 0}, {0.5f, 0.5f, 0, 0}, {0, 0, 1, 1}, {0.25f, -1, 0.75f, 2}, {3, 1, -2, 0.5f}
  };
  private static final int DIM = 4;

  private final long seed = Long.getLong("shoal.test.seed", new Random().nextLong());
  private final Random random = new Random(seed);
  private final MutableClock clock = new MutableClock(System.currentTimeMillis());
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final List<Engine> engines = new ArrayList<>();
  private final Engine engine = engine(clock);
  private final Map<String, Document> model = new TreeMap<>();

  private Engine engine(MutableClock c) {
    Engine e =
        Engine.builder()
            .store(store)
            .clock(c)
            .config(
                EngineConfig.builder()
                    .autoCompact(false)
                    .eventualMaxStaleness(Duration.ofSeconds(5))
                    .build())
            .build();
    engines.add(e);
    return e;
  }

  @AfterEach
  void close() {
    engines.forEach(Engine::close);
  }

  private Document randomDoc(String id) {
    float[] v = null;
    int kind = random.nextInt(10);
    if (kind < 5) {
      v = POOL[random.nextInt(POOL.length)].clone(); // many equal scores
    } else if (kind < 9) {
      v = new float[DIM];
      for (int i = 0; i < DIM; i++) {
        v[i] = (float) random.nextGaussian();
      }
    }
    Map<String, Object> attrs = new HashMap<>();
    attrs.put("n", (long) random.nextInt(20));
    if (random.nextInt(4) > 0) {
      attrs.put("price", random.nextInt(100) / 10.0);
    }
    if (random.nextInt(5) > 0) {
      attrs.put("name", NAMES[random.nextInt(NAMES.length)]);
    }
    if (random.nextInt(3) > 0) {
      attrs.put("flag", random.nextBoolean());
    }
    List<String> tags = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      tags.add("t" + random.nextInt(5));
    }
    if (!tags.isEmpty() || random.nextBoolean()) {
      attrs.put("tags", tags);
    }
    Map<String, String> text = Map.of("body", BODIES[random.nextInt(BODIES.length)]);
    return new Document(id, v, null, text, attrs);
  }

  /** Segments from forced compactions, then a tail with inserts, updates and deletes. */
  private NamespacePath load(String name, DistanceMetric metric) {
    NamespacePath ns = NamespacePath.of("acme", "reference", name);
    engine.createNamespace(ns, metric, Map.of());
    for (int b = 0; b < 8; b++) {
      List<Document> batch = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        batch.add(randomDoc(String.format("d%04d", random.nextInt(1200))));
      }
      List<String> deletes = new ArrayList<>();
      if (b >= 3 && !model.isEmpty()) {
        List<String> ids = new ArrayList<>(model.keySet());
        for (int i = 0; i < 10; i++) {
          deletes.add(ids.get(random.nextInt(ids.size())));
        }
      }
      engine.write(ns, WriteRequest.builder().upserts(batch).deletes(deletes).build());
      batch.forEach(d -> model.put(d.id(), d));
      deletes.forEach(model::remove);
      if (b == 2 || b == 5) {
        engine.compact(ns, true);
      }
    }
    assertThat(engine.getNamespace(ns).segments()).isPositive();
    assertThat(engine.getNamespace(ns).walFiles()).isPositive();
    return ns;
  }

  // ---- the filter reference ----

  /** A filter in its JSON form and the reference predicate it must equal. */
  private record Case(String json, Predicate<Document> ref) {}

  private static Object attr(Document d, String name) {
    return name.equals("id") ? d.id() : d.attrs().get(name);
  }

  private static boolean refEqual(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!refEqual(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a != null && a.equals(b);
  }

  private static boolean anyOf(Object actual, Predicate<Object> test) {
    if (actual instanceof List<?> list) {
      return list.stream().anyMatch(test);
    }
    return actual != null && test.test(actual);
  }

  private static Integer refCompare(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return Double.compare(x.doubleValue(), y.doubleValue());
    }
    if (a instanceof String x && b instanceof String y) {
      return x.compareTo(y);
    }
    return null;
  }

  /** A glob matcher written the simple way: recursion over the pattern. */
  static boolean refGlob(String p, int pi, String s, int si) {
    if (pi == p.length()) {
      return si == s.length();
    }
    char c = p.charAt(pi);
    if (c == '*') {
      for (int k = si; k <= s.length(); k++) {
        if (refGlob(p, pi + 1, s, k)) {
          return true;
        }
      }
      return false;
    }
    if (si == s.length()) {
      return false;
    }
    if (c == '?') {
      return refGlob(p, pi + 1, s, si + 1);
    }
    if (c == '\\' && pi + 1 < p.length()) {
      return p.charAt(pi + 1) == s.charAt(si) && refGlob(p, pi + 2, s, si + 1);
    }
    if (c == '[') {
      int close = p.indexOf(']', pi + 2);
      if (close > 0) {
        String set = p.substring(pi + 1, close);
        boolean negated = set.startsWith("!");
        if (negated) {
          set = set.substring(1);
        }
        boolean in = false;
        for (int k = 0; k < set.length(); k++) {
          if (k + 2 < set.length() && set.charAt(k + 1) == '-') {
            in |= s.charAt(si) >= set.charAt(k) && s.charAt(si) <= set.charAt(k + 2);
            k += 2;
          } else {
            in |= s.charAt(si) == set.charAt(k);
          }
        }
        return in != negated && refGlob(p, close + 1, s, si + 1);
      }
    }
    return c == s.charAt(si) && refGlob(p, pi + 1, s, si + 1);
  }

  private static String json(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
    if (v instanceof List<?> list) {
      List<String> parts = new ArrayList<>();
      list.forEach(x -> parts.add(json(x)));
      return "[" + String.join(",", parts) + "]";
    }
    return v.toString();
  }

  private Object scalar(String attr) {
    return switch (attr) {
      case "n" ->
          random.nextBoolean() ? (Object) (long) random.nextInt(20) : random.nextInt(20) + 0.0;
      case "price" -> random.nextInt(100) / 10.0;
      case "name" -> NAMES[random.nextInt(NAMES.length)];
      case "flag" -> random.nextBoolean();
      case "id" -> String.format("d%04d", random.nextInt(1200));
      default -> "t" + random.nextInt(5);
    };
  }

  private List<Object> scalars(String attr) {
    List<Object> out = new ArrayList<>();
    for (int i = 1 + random.nextInt(4); i > 0; i--) {
      out.add(scalar(attr));
    }
    return out;
  }

  private static final String[] GLOBS = {
    "Kafka*",
    "kafka*",
    "*sink",
    "?link*",
    "[fF]link*",
    "sh\\?al",
    "*",
    "a\\*b",
    "\\[x]",
    "d00[0-3]*",
    "d*7",
    "t[0-2]",
    "t[!1]",
    "*-*",
    "F?INK"
  };

  private Case leaf() {
    String[] attrs = {"n", "price", "name", "flag", "tags", "id", "missing"};
    String a = attrs[random.nextInt(attrs.length)];
    String scalarAttr = a.equals("tags") || a.equals("missing") ? "n" : a;
    int op = random.nextInt(12);
    switch (op) {
      case 0, 1 -> {
        boolean eq = op == 0;
        Object v =
            random.nextInt(4) == 0
                ? null
                : a.equals("tags") ? List.of("t" + random.nextInt(5)) : scalar(scalarAttr);
        Predicate<Document> p = d -> v == null ? attr(d, a) == null : refEqual(attr(d, a), v);
        return new Case(
            "[" + json(a) + "," + (eq ? "\"Eq\"" : "\"NotEq\"") + "," + json(v) + "]",
            eq ? p : p.negate());
      }
      case 2, 3 -> {
        boolean in = op == 2;
        List<Object> vs = scalars(scalarAttr);
        Predicate<Document> p =
            d -> {
              Object x = attr(d, a);
              return x != null && !(x instanceof List) && vs.stream().anyMatch(v -> refEqual(x, v));
            };
        return new Case(
            "[" + json(a) + "," + (in ? "\"In\"" : "\"NotIn\"") + "," + json(vs) + "]",
            in ? p : p.negate());
      }
      case 4, 5, 6, 7 -> {
        String[] names = {"Lt", "Lte", "Gt", "Gte"};
        Object v = random.nextInt(8) == 0 ? "m" : scalar(a.equals("tags") ? "tags" : scalarAttr);
        if (v instanceof Boolean) {
          v = 3L;
        }
        Object value = v;
        int which = op - 4;
        Predicate<Document> p =
            d ->
                anyOf(
                    attr(d, a),
                    x -> {
                      Integer c = refCompare(x, value);
                      return c != null
                          && switch (which) {
                            case 0 -> c < 0;
                            case 1 -> c <= 0;
                            case 2 -> c > 0;
                            default -> c >= 0;
                          };
                    });
        return new Case("[" + json(a) + ",\"" + names[which] + "\"," + json(value) + "]", p);
      }
      case 8 -> {
        Object v = a.equals("tags") ? "t" + random.nextInt(5) : scalar(scalarAttr);
        if (v instanceof Boolean) {
          v = "t1";
        }
        Object value = v;
        return new Case(
            "[" + json(a) + ",\"Contains\"," + json(value) + "]",
            d -> anyOf(attr(d, a), x -> refEqual(x, value)));
      }
      case 9 -> {
        List<Object> vs = scalars(a.equals("tags") ? "tags" : scalarAttr);
        return new Case(
            "[" + json(a) + ",\"ContainsAny\"," + json(vs) + "]",
            d -> anyOf(attr(d, a), x -> vs.stream().anyMatch(v -> refEqual(x, v))));
      }
      default -> {
        boolean ignoreCase = op == 11;
        String g = GLOBS[random.nextInt(GLOBS.length)];
        String ga = random.nextInt(3) == 0 ? "id" : random.nextBoolean() ? "name" : "tags";
        return new Case(
            "[" + json(ga) + "," + (ignoreCase ? "\"IGlob\"" : "\"Glob\"") + "," + json(g) + "]",
            d ->
                anyOf(
                    attr(d, ga),
                    x ->
                        x instanceof String s
                            && (ignoreCase
                                ? refGlob(
                                    g.toLowerCase(Locale.ROOT), 0, s.toLowerCase(Locale.ROOT), 0)
                                : refGlob(g, 0, s, 0))));
      }
    }
  }

  private Case randomCase(int depth) {
    int kind = depth >= 2 ? 0 : random.nextInt(6);
    if (kind <= 2) {
      return leaf();
    }
    if (kind == 5) {
      Case inner = randomCase(depth + 1);
      return new Case("[\"Not\"," + inner.json() + "]", inner.ref().negate());
    }
    List<Case> parts = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      parts.add(randomCase(depth + 1));
    }
    boolean and = kind == 3;
    List<String> jsons = new ArrayList<>();
    parts.forEach(c -> jsons.add(c.json()));
    Predicate<Document> p =
        and
            ? d -> parts.stream().allMatch(c -> c.ref().test(d))
            : d -> parts.stream().anyMatch(c -> c.ref().test(d));
    return new Case("[\"" + (and ? "And" : "Or") + "\",[" + String.join(",", jsons) + "]]", p);
  }

  @Test
  void everyFilterOperatorEqualsTheReference() {
    NamespacePath ns = load("filters", DistanceMetric.COSINE);
    int nonEmpty = 0;
    for (int q = 0; q < 300; q++) {
      Case c = randomCase(0);
      List<String> expected = new ArrayList<>();
      model.values().stream().filter(c.ref()).forEach(d -> expected.add(d.id()));
      List<QueryRow> rows =
          engine
              .query(
                  ns,
                  QueryRequest.builder().filter(FilterJson.parse(c.json())).topK(10_000).build())
              .rows();
      assertThat(rows)
          .as("filter %s, seed %d", c.json(), seed)
          .extracting(QueryRow::id)
          .containsExactlyElementsOf(expected);
      nonEmpty += expected.isEmpty() || expected.size() == model.size() ? 0 : 1;
    }
    assertThat(nonEmpty).as("filters that split the documents, seed %d", seed).isGreaterThan(100);
  }

  @Test
  void globReferenceAgreesWithItself() {
    // The reference matcher is itself checked on the cases the engine's tests pin down.
    assertThat(refGlob("sh\\?al", 0, "sh?al", 0)).isTrue();
    assertThat(refGlob("sh\\?al", 0, "shoal", 0)).isFalse();
    assertThat(refGlob("t[!1]", 0, "t1", 0)).isFalse();
    assertThat(refGlob("d00[0-3]*", 0, "d0031", 0)).isTrue();
    assertThat(refGlob("\\[x]", 0, "[x]", 0)).isTrue();
  }

  // ---- ordering and ties ----

  private static Comparator<Document> byAttribute(String attr, boolean descending) {
    Comparator<Object> values = (a, b) -> refCompare(a, b);
    Comparator<Object> dir = descending ? values.reversed() : values;
    return (x, y) -> {
      Object a = attr(x, attr);
      Object b = attr(y, attr);
      if (a == null || b == null) {
        int c = a == null ? (b == null ? 0 : 1) : -1; // missing last, either way
        return c != 0 ? c : x.id().compareTo(y.id());
      }
      int c = dir.compare(a, b);
      return c != 0 ? c : x.id().compareTo(y.id());
    };
  }

  @Test
  void attributeAndIdOrderBothWaysEqualTheReference() {
    NamespacePath ns = load("order", DistanceMetric.EUCLIDEAN);
    for (String attr : List.of("n", "price", "name", "id")) {
      for (boolean descending : new boolean[] {false, true}) {
        for (int round = 0; round < 4; round++) {
          Case c = round == 0 ? null : randomCase(0);
          int k = 1 + random.nextInt(80);
          List<String> expected = new ArrayList<>();
          model.values().stream()
              .filter(d -> c == null || c.ref().test(d))
              .sorted(byAttribute(attr, descending))
              .limit(k)
              .forEach(d -> expected.add(d.id()));
          List<QueryRow> rows =
              engine
                  .query(
                      ns,
                      QueryRequest.builder()
                          .rankBy(new RankBy.Attribute(attr, descending))
                          .filter(c == null ? null : FilterJson.parse(c.json()))
                          .topK(k)
                          .build())
                  .rows();
          assertThat(rows)
              .as(
                  "%s %s, filter %s, seed %d",
                  attr, descending ? "desc" : "asc", c == null ? null : c.json(), seed)
              .extracting(QueryRow::id)
              .containsExactlyElementsOf(expected);
        }
      }
    }
  }

  /** Rows are in descending score, equal scores in ascending id. */
  private static void assertTieOrder(List<QueryRow> rows, String why) {
    for (int i = 1; i < rows.size(); i++) {
      QueryRow a = rows.get(i - 1);
      QueryRow b = rows.get(i);
      assertThat(a.score()).as("row %d (%s)", i, why).isGreaterThanOrEqualTo(b.score());
      if (a.score().equals(b.score())) {
        assertThat(a.id()).as("equal scores at row %d (%s)", i, why).isLessThan(b.id());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(DistanceMetric.class)
  void equalScoresComeInAscendingIdOrder(DistanceMetric metric) {
    NamespacePath ns = load("ties-" + metric.jsonName(), metric);
    for (float[] query : POOL) {
      for (boolean exact : new boolean[] {true, false}) {
        List<QueryRow> rows =
            engine
                .query(
                    ns,
                    QueryRequest.builder()
                        .rankBy(new RankBy.Vector(query, exact))
                        .topK(200)
                        .build())
                .rows();
        String why = metric + (exact ? " kNN" : " ANN") + ", seed " + seed;
        assertTieOrder(rows, why);
        // The reference: every document with a vector, best first, ties by id.
        List<Document> expected = new ArrayList<>();
        model.values().stream().filter(d -> d.vector() != null).forEach(expected::add);
        expected.sort(
            Comparator.<Document>comparingDouble(d -> -Similarity.score(metric, query, d.vector()))
                .thenComparing(Document::id));
        assertThat(rows).as(why).hasSize(Math.min(200, expected.size()));
        for (int i = 0; i < rows.size(); i++) {
          assertThat(rows.get(i).score())
              .as("row %d (%s)", i, why)
              .isCloseTo(Similarity.score(metric, query, expected.get(i).vector()), within(1e-4));
        }
        // Documents with the same pool vector, in segments and the tail, must score the same.
        long distinct = rows.stream().map(QueryRow::score).distinct().count();
        assertThat(distinct).as("ties exist (%s)", why).isLessThan(rows.size());
      }
    }
    for (String words : List.of("kafka", "stream", "kafka topic")) {
      List<QueryRow> rows =
          engine
              .query(
                  ns,
                  QueryRequest.builder().rankBy(new RankBy.Text("body", words)).topK(300).build())
              .rows();
      assertTieOrder(rows, "BM25 " + words + ", seed " + seed);
      // Equal bodies, equal scores.
      Map<String, Double> byBody = new HashMap<>();
      for (QueryRow r : rows) {
        Double prev = byBody.putIfAbsent(model.get(r.id()).text().get("body"), r.score());
        if (prev != null) {
          assertThat(r.score()).as("BM25 %s, body of %s", words, r.id()).isEqualTo(prev);
        }
      }
    }
  }

  // ---- include options ----

  @Test
  void includeOptionsShapeTheRows() {
    NamespacePath ns = load("include", DistanceMetric.DOT);
    RankBy rank = new RankBy.Vector(POOL[3], true);
    List<QueryRow> plain =
        engine.query(ns, QueryRequest.builder().rankBy(rank).topK(50).build()).rows();
    assertThat(plain).isNotEmpty();
    for (QueryRow r : plain) {
      Document d = model.get(r.id());
      assertThat(r.attrs()).as(r.id()).isEqualTo(d.attrs());
      assertThat(r.text()).isNull();
      assertThat(r.vector()).isNull();
    }
    List<QueryRow> shaped =
        engine
            .query(
                ns,
                QueryRequest.builder()
                    .rankBy(rank)
                    .topK(50)
                    .includeAttributes(IncludeAttributes.of(List.of("name", "tags", "nope")))
                    .includeText(true)
                    .includeVector(true)
                    .build())
            .rows();
    assertThat(shaped)
        .extracting(QueryRow::id)
        .containsExactlyElementsOf(plain.stream().map(QueryRow::id).toList());
    for (QueryRow r : shaped) {
      Document d = model.get(r.id());
      Map<String, Object> want = new TreeMap<>();
      for (String a : List.of("name", "tags")) {
        if (d.attrs().containsKey(a)) {
          want.put(a, d.attrs().get(a));
        }
      }
      assertThat(r.attrs()).as(r.id()).isEqualTo(want);
      assertThat(r.text()).as(r.id()).isEqualTo(d.text());
      assertThat(r.vector()).as(r.id()).containsExactly(d.vector());
    }
    List<QueryRow> bare =
        engine
            .query(
                ns,
                QueryRequest.builder()
                    .rankBy(new RankBy.Attribute("id", false))
                    .topK(10_000)
                    .includeAttributes(IncludeAttributes.NONE)
                    .includeText(true)
                    .build())
            .rows();
    assertThat(bare).hasSize(model.size());
    for (QueryRow r : bare) {
      assertThat(r.attrs()).isEmpty();
      assertThat(r.text()).as(r.id()).isEqualTo(model.get(r.id()).text());
      assertThat(r.vector()).isNull();
    }
  }

  // ---- eventual consistency ----

  @Test
  void eventualReadsReuseAManifestUpToTheConfiguredAge() {
    NamespacePath ns = NamespacePath.of("acme", "reference", "eventual");
    Engine writer = engine(new MutableClock(clock.millis()));
    writer.write(ns, WriteRequest.upsert(List.of(Document.of("a", Map.of("v", 1)))));
    QueryRequest eventual =
        QueryRequest.builder().consistency(Consistency.EVENTUAL).topK(100).build();
    QueryRequest strong = QueryRequest.builder().topK(100).build();
    QueryResult first = engine.query(ns, strong);
    assertThat(first.rows()).extracting(QueryRow::id).containsExactly("a");
    long v1 = first.performance().manifestVersion();

    writer.write(ns, WriteRequest.upsert(List.of(Document.of("b", Map.of("v", 2)))));
    clock.advance(Duration.ofSeconds(5)); // exactly the configured age: still reused
    QueryResult stale = engine.query(ns, eventual);
    assertThat(stale.performance().manifestVersion()).isEqualTo(v1);
    assertThat(stale.rows()).extracting(QueryRow::id).containsExactly("a");

    clock.advance(Duration.ofMillis(1)); // older than the age: a fresh manifest
    QueryResult fresh = engine.query(ns, eventual);
    assertThat(fresh.performance().manifestVersion()).isGreaterThan(v1);
    assertThat(fresh.rows()).extracting(QueryRow::id).containsExactly("a", "b");
    long v2 = fresh.performance().manifestVersion();

    // The fresh read restarted the age: a write now stays unseen by eventual reads for 5 s...
    writer.write(ns, WriteRequest.upsert(List.of(Document.of("c", Map.of("v", 3)))));
    clock.advance(Duration.ofSeconds(4));
    assertThat(engine.query(ns, eventual).performance().manifestVersion()).isEqualTo(v2);
    // ...while a strong read sees it at once.
    QueryResult current = engine.query(ns, strong);
    assertThat(current.performance().manifestVersion()).isGreaterThan(v2);
    assertThat(current.rows()).extracting(QueryRow::id).containsExactly("a", "b", "c");
  }
}
