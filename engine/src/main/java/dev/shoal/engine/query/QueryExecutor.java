package dev.shoal.engine.query;

import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.index.Bits;
import dev.shoal.engine.index.postings.TopHits;
import dev.shoal.engine.index.sparse.SparseIndexReader;
import dev.shoal.engine.index.text.Bm25Query;
import dev.shoal.engine.index.text.Bm25Stats;
import dev.shoal.engine.index.text.MemoryTextIndex;
import dev.shoal.engine.index.text.QueryTerms;
import dev.shoal.engine.index.text.TermLookup;
import dev.shoal.engine.index.text.TextAnalyzer;
import dev.shoal.engine.index.text.TextAnalyzerOptions;
import dev.shoal.engine.index.text.TextIndexReader;
import dev.shoal.engine.index.text.TextSearch;
import dev.shoal.engine.index.vector.IvfIndex;
import dev.shoal.engine.index.vector.VectorSearchResult;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.namespace.NamespaceSnapshot;
import dev.shoal.engine.namespace.NamespaceSnapshot.SegmentView;
import dev.shoal.engine.namespace.TailView;
import dev.shoal.engine.segment.Segment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs queries against a {@link NamespaceSnapshot}: each segment through its indexes, the WAL tail
 * exhaustively, then one merge where higher scores win and equal scores go to the smaller id.
 *
 * <p>Filters become, per segment, the set of live ordinals that pass ({@link SegmentFilter}); the
 * indexes search only those. Text scores use statistics summed over every segment and the tail, so
 * a document scores the same wherever it lives.
 *
 * <p>Thread-safe and stateless: every query works on an immutable snapshot.
 */
public final class QueryExecutor {

  /** A ranked document: where it lives, and its score (0 when ordering by attribute). */
  private record Hit(String id, double score, Segment segment, int ord, Document doc) {
    Document load(boolean withVector) {
      return doc != null ? doc : segment.document(ord, withVector);
    }
  }

  private static final Comparator<Hit> BEST_FIRST =
      Comparator.<Hit>comparingDouble(h -> -h.score()).thenComparing(Hit::id);

  /** Per-query state: filters resolved per segment once, shared by hybrid sub-queries. */
  private static final class Run {
    final NamespaceSnapshot snapshot;
    final Manifest manifest;
    final TailView tail;
    final Map<Object, Map<Segment, Bits>> segmentBits = new HashMap<>();
    final Map<Object, Bits> tailBits = new HashMap<>();
    TextAnalyzer analyzer;
    // Hybrid sub-queries search the same segments: each segment, and the tail, counts once.
    final Set<Segment> searched = Collections.newSetFromMap(new IdentityHashMap<>());
    final Map<Segment, Long> exhaustive = new IdentityHashMap<>();
    boolean tailScanned;

    Run(NamespaceSnapshot snapshot) {
      this.snapshot = snapshot;
      this.manifest = snapshot.manifest();
      this.tail = snapshot.tailView();
    }

    Bits allowed(SegmentView view, Filter filter) {
      return segmentBits
          .computeIfAbsent(filter == null ? Match.ALL : filter, f -> new IdentityHashMap<>())
          .computeIfAbsent(view.segment(), s -> SegmentFilter.bits(view, filter));
    }

    Bits tailAllowed(Filter filter) {
      return tailBits.computeIfAbsent(
          filter == null ? Match.ALL : filter, f -> SegmentFilter.bits(tail.docs(), filter));
    }

    void searched(Segment s) {
      searched.add(s);
    }

    /** Documents of a segment scored without its index (the sub-query that scanned most wins). */
    void exhaustive(Segment s, long docs) {
      exhaustive.merge(s, docs, Math::max);
    }

    long exhaustiveDocs() {
      long n = tailScanned ? tail.size() : 0;
      for (long d : exhaustive.values()) {
        n += d;
      }
      return n;
    }

    TextAnalyzer analyzer() {
      if (analyzer == null) {
        analyzer = TextAnalyzer.of(TextAnalyzerOptions.fromMap(manifest.textAnalyzer()));
      }
      return analyzer;
    }
  }

  /** A filter key for "no filter" (a filter record can never equal it). */
  private enum Match {
    ALL
  }

  /**
   * Runs a query.
   *
   * @param cache the cache temperature to report
   * @param startNanos when the engine started on the query, for {@code server_ms}
   */
  public QueryResult execute(
      NamespaceSnapshot snapshot, QueryRequest request, String cache, long startNanos) {
    Run run = new Run(snapshot);
    List<Hit> ranked =
        request.hybrid()
            ? fuse(run, request)
            : rank(run, request.rankBy(), request.filter(), request.topK());
    boolean scored =
        request.hybrid()
            || (request.rankBy() != null && !(request.rankBy() instanceof RankBy.Attribute));
    List<QueryRow> rows = new ArrayList<>(ranked.size());
    for (Hit h : ranked) {
      Document d = h.load(request.includeVector());
      rows.add(
          new QueryRow(
              d.id(),
              scored ? h.score() : null,
              request.includeAttributes().select(d.attrs()),
              request.includeText() ? d.text() : null,
              request.includeVector() ? d.vector() : null,
              request.includeVector() ? d.sparse() : null));
    }
    double ms = (System.nanoTime() - startNanos) / 1e6;
    return new QueryResult(
        rows,
        new QueryPerformance(
            snapshot.version(), run.searched.size(), run.exhaustiveDocs(), cache, ms));
  }

  private List<Hit> rank(Run run, RankBy rankBy, Filter filter, int topK) {
    if (rankBy == null) {
      return byAttribute(run, new RankBy.Attribute("id", false), filter, topK);
    }
    if (rankBy instanceof RankBy.Attribute a) {
      return byAttribute(run, a, filter, topK);
    }
    if (rankBy instanceof RankBy.Vector v) {
      return byVector(run, v, filter, topK);
    }
    if (rankBy instanceof RankBy.Sparse s) {
      return bySparse(run, s, filter, topK);
    }
    return byText(run, (RankBy.Text) rankBy, filter, topK);
  }

  private static List<Hit> top(List<Hit> hits, int k) {
    hits.sort(BEST_FIRST);
    return hits.size() > k ? new ArrayList<>(hits.subList(0, k)) : hits;
  }

  // ---------------------------------------------------------------------------------------------

  private List<Hit> byVector(Run run, RankBy.Vector v, Filter filter, int k) {
    Integer dim = run.manifest.vectorDim();
    if (dim == null) {
      return List.of();
    }
    if (v.vector().length != dim) {
      throw new InvalidRequestException(
          "Cannot query "
              + run.manifest.namespace()
              + ": the query vector has "
              + v.vector().length
              + " dimensions but the namespace's vectors have "
              + dim);
    }
    List<Hit> hits = new ArrayList<>();
    for (SegmentView view : run.snapshot.segments()) {
      Segment s = view.segment();
      IvfIndex ann = s.ann();
      if (ann == null || view.liveCount() == 0) {
        continue;
      }
      Bits entries = run.allowed(view, filter);
      if (entries.cardinality() == 0) {
        continue;
      }
      run.searched(s);
      Bits vectors = new VectorBits(s, entries);
      VectorSearchResult r =
          v.exact() ? ann.exactSearch(v.vector(), k, vectors) : ann.search(v.vector(), k, vectors);
      if (r.stats().exact()) {
        run.exhaustive(s, r.stats().vectorsScoredExactly());
      }
      for (int i = 0; i < r.size(); i++) {
        int ord = s.entryOfVector(r.ordinal(i));
        hits.add(new Hit(s.id(ord), r.score(i), s, ord, null));
      }
    }
    TailView tail = run.tail;
    run.tailScanned |= tail.size() > 0;
    Bits allowed = run.tailAllowed(filter);
    VectorScorer scorer = new VectorScorer(run.manifest.distanceMetric(), v.vector());
    for (int i = 0; i < tail.size(); i++) {
      Document d = tail.docs().get(i);
      if (d.vector() != null && allowed.get(i)) {
        hits.add(new Hit(d.id(), scorer.score(d.vector()), null, -1, d));
      }
    }
    return top(hits, k);
  }

  /**
   * A segment's allowed entries seen in its vector index's ordinal space. The cardinality is the
   * entries' (an upper bound: some allowed entries may have no vector), which spares a pass over
   * every vector per query; the index only uses it to choose exact search for small sets.
   */
  private record VectorBits(Segment segment, Bits entries) implements Bits {
    @Override
    public boolean get(int ord) {
      return entries.get(segment.entryOfVector(ord));
    }

    @Override
    public int length() {
      return segment.ann().size();
    }

    @Override
    public int cardinality() {
      return Math.min(entries.cardinality(), length());
    }
  }

  private List<Hit> bySparse(Run run, RankBy.Sparse q, Filter filter, int k) {
    List<Hit> hits = new ArrayList<>();
    for (SegmentView view : run.snapshot.segments()) {
      Segment s = view.segment();
      SparseIndexReader index = s.sparseIndex();
      if (index == null || view.liveCount() == 0) {
        continue;
      }
      Bits allowed = run.allowed(view, filter);
      if (allowed.cardinality() == 0) {
        continue;
      }
      run.searched(s);
      addHits(hits, s, index.search(q.vector(), k, allowed));
    }
    run.tailScanned |= run.tail.size() > 0;
    TopHits tail =
        SparseIndexReader.searchExhaustive(
            run.tail.sparse(), q.vector(), k, run.tailAllowed(filter));
    addTailHits(hits, run.tail, tail);
    return top(hits, k);
  }

  private List<Hit> byText(Run run, RankBy.Text q, Filter filter, int k) {
    QueryTerms terms = QueryTerms.of(run.analyzer().analyze(q.query()));
    if (terms.isEmpty()) {
      return List.of();
    }
    TreeSet<String> fields = new TreeSet<>();
    if (q.allFields()) {
      for (SegmentView view : run.snapshot.segments()) {
        fields.addAll(view.segment().textFields());
      }
      fields.addAll(run.tail.textFields());
    } else {
      fields.add(q.field());
    }
    // Namespace-wide statistics per field: every segment plus the tail.
    Map<String, Map<Segment, TermLookup>> lookups = new HashMap<>();
    Map<String, Bm25Query> queries = new HashMap<>();
    for (String field : fields) {
      Map<Segment, TermLookup> perSegment = new IdentityHashMap<>();
      Bm25Stats stats = run.tail.text(field, run.analyzer()).stats(terms);
      for (SegmentView view : run.snapshot.segments()) {
        TextIndexReader index = view.segment().text(field);
        if (index != null) {
          TermLookup lookup = index.lookup(terms);
          perSegment.put(view.segment(), lookup);
          stats = stats.plus(lookup.stats());
        }
      }
      lookups.put(field, perSegment);
      queries.put(field, Bm25Query.of(terms, stats));
    }
    List<Hit> hits = new ArrayList<>();
    for (SegmentView view : run.snapshot.segments()) {
      Segment s = view.segment();
      List<TextSearch.Field> parts = new ArrayList<>();
      for (String field : fields) {
        TermLookup lookup = lookups.get(field).get(s);
        if (lookup != null) {
          parts.add(new TextSearch.Field(lookup, queries.get(field)));
        }
      }
      if (parts.isEmpty() || view.liveCount() == 0) {
        continue;
      }
      Bits allowed = run.allowed(view, filter);
      if (allowed.cardinality() == 0) {
        continue;
      }
      run.searched(s);
      TopHits found =
          parts.size() == 1
              ? parts.get(0).terms().search(parts.get(0).query(), k, allowed)
              : TextSearch.search(parts, k, allowed);
      addHits(hits, s, found);
    }
    if (run.tail.size() > 0) {
      run.tailScanned = true;
      List<MemoryTextIndex> tailFields = new ArrayList<>();
      List<Bm25Query> tailQueries = new ArrayList<>();
      for (String field : fields) {
        tailFields.add(run.tail.text(field, run.analyzer()));
        tailQueries.add(queries.get(field));
      }
      addTailHits(
          hits,
          run.tail,
          MemoryTextIndex.search(tailFields, tailQueries, k, run.tailAllowed(filter)));
    }
    return top(hits, k);
  }

  private static void addHits(List<Hit> hits, Segment s, TopHits found) {
    for (int i = 0; i < found.size(); i++) {
      int ord = found.ordinals()[i];
      hits.add(new Hit(s.id(ord), found.scores()[i], s, ord, null));
    }
  }

  private static void addTailHits(List<Hit> hits, TailView tail, TopHits found) {
    for (int i = 0; i < found.size(); i++) {
      Document d = tail.docs().get(found.ordinals()[i]);
      hits.add(new Hit(d.id(), found.scores()[i], null, -1, d));
    }
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Orders by an attribute (or {@code id}); documents without it come last, ties by ascending id.
   * Values of different types order booleans, then numbers, then strings, then arrays.
   */
  private List<Hit> byAttribute(Run run, RankBy.Attribute order, Filter filter, int k) {
    String attr = order.attr();
    boolean byId = attr.equals("id");
    Comparator<Object> values = QueryExecutor::compareValues;
    if (order.descending()) {
      values = values.reversed();
    }
    Comparator<Object> valueOrder = values;
    record Keyed(Object value, Hit hit) {}
    Comparator<Keyed> best =
        (a, b) -> {
          if (a.value() == null || b.value() == null) {
            int c = a.value() == null ? (b.value() == null ? 0 : 1) : -1;
            return c != 0 ? c : a.hit().id().compareTo(b.hit().id());
          }
          int c = valueOrder.compare(a.value(), b.value());
          return c != 0 ? c : a.hit().id().compareTo(b.hit().id());
        };
    PriorityQueue<Keyed> heap = new PriorityQueue<>(best.reversed());
    for (SegmentView view : run.snapshot.segments()) {
      Segment s = view.segment();
      if (view.liveCount() == 0) {
        continue;
      }
      Bits allowed = run.allowed(view, filter);
      if (allowed.cardinality() == 0) {
        continue;
      }
      run.searched(s);
      // Ordering reads the attribute of every allowed document: no index narrows it.
      run.exhaustive(s, allowed.cardinality());
      Object[] column = byId ? null : s.column(attr);
      for (int ord = 0; ord < s.size(); ord++) {
        if (allowed.get(ord)) {
          Object value = byId ? s.id(ord) : column == null ? null : column[ord];
          offer(heap, new Keyed(value, new Hit(s.id(ord), 0, s, ord, null)), best, k);
        }
      }
    }
    run.tailScanned |= run.tail.size() > 0;
    Bits allowed = run.tailAllowed(filter);
    for (int i = 0; i < run.tail.size(); i++) {
      if (allowed.get(i)) {
        Document d = run.tail.docs().get(i);
        Object value = byId ? d.id() : d.attrs().get(attr);
        offer(heap, new Keyed(value, new Hit(d.id(), 0, null, -1, d)), best, k);
      }
    }
    List<Keyed> out = new ArrayList<>(heap);
    out.sort(best);
    List<Hit> hits = new ArrayList<>(out.size());
    out.forEach(x -> hits.add(x.hit()));
    return hits;
  }

  private static <T> void offer(PriorityQueue<T> heap, T item, Comparator<T> best, int k) {
    if (heap.size() < k) {
      heap.add(item);
    } else if (best.compare(item, heap.peek()) < 0) {
      heap.poll();
      heap.add(item);
    }
  }

  private static int typeRank(Object v) {
    if (v instanceof Boolean) {
      return 0;
    }
    if (v instanceof Number) {
      return 1;
    }
    if (v instanceof String) {
      return 2;
    }
    return 3;
  }

  static int compareValues(Object a, Object b) {
    int ta = typeRank(a);
    int tb = typeRank(b);
    if (ta != tb) {
      return Integer.compare(ta, tb);
    }
    if (a instanceof Number x && b instanceof Number y) {
      return Filter.Values.compareNumbers(x, y);
    }
    if (a instanceof String x && b instanceof String y) {
      return x.compareTo(y);
    }
    if (a instanceof Boolean x && b instanceof Boolean y) {
      return Boolean.compare(x, y);
    }
    List<?> la = (List<?>) a;
    List<?> lb = (List<?>) b;
    for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
      int c = compareValues(la.get(i), lb.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(la.size(), lb.size());
  }

  // ---------------------------------------------------------------------------------------------

  /** Reciprocal rank fusion: each sub-query to its own depth, scores {@code 1 / (k + rank)}. */
  private List<Hit> fuse(Run run, QueryRequest request) {
    Map<String, double[]> scores = new HashMap<>();
    Map<String, Hit> hitsById = new HashMap<>();
    for (QueryRequest.SubQuery sub : request.queries()) {
      Filter filter = and(request.filter(), sub.filter());
      List<Hit> ranked = rank(run, sub.rankBy(), filter, sub.topK());
      for (int i = 0; i < ranked.size(); i++) {
        Hit h = ranked.get(i);
        scores.computeIfAbsent(h.id(), x -> new double[1])[0] += 1.0 / (request.fusionK() + i + 1);
        hitsById.putIfAbsent(h.id(), h);
      }
    }
    List<Hit> fused = new ArrayList<>(scores.size());
    scores.forEach(
        (id, s) -> {
          Hit h = hitsById.get(id);
          fused.add(new Hit(id, s[0], h.segment(), h.ord(), h.doc()));
        });
    return top(fused, request.topK());
  }

  static Filter and(Filter a, Filter b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return new Filter.And(List.of(a, b));
  }
}
