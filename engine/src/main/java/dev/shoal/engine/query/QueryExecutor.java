package dev.shoal.engine.query;

import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.namespace.NamespaceSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs queries against a {@link NamespaceSnapshot}.
 *
 * <p>Thread-safe and stateless: every query works on an immutable snapshot.
 */
public final class QueryExecutor {

  /**
   * Runs a query.
   *
   * @param cache the cache temperature to report
   * @param startNanos when the engine started on the query, for {@code server_ms}
   */
  public QueryResult execute(
      NamespaceSnapshot snapshot, QueryRequest request, String cache, long startNanos) {
    List<TopK.Scored<Document>> ranked;
    if (request.hybrid()) {
      ranked = fuse(snapshot, request);
    } else {
      ranked = rank(snapshot, request.rankBy(), request.filter(), request.topK());
    }
    List<QueryRow> rows = new ArrayList<>(ranked.size());
    boolean scored =
        request.hybrid()
            || (request.rankBy() != null && !(request.rankBy() instanceof RankBy.Attribute));
    for (TopK.Scored<Document> s : ranked) {
      Document d = s.item();
      rows.add(
          new QueryRow(
              d.id(),
              scored ? s.score() : null,
              request.includeAttributes().select(d.attrs()),
              request.includeText() ? d.text() : null,
              request.includeVector() ? d.vector() : null,
              request.includeVector() ? d.sparse() : null));
    }
    double ms = (System.nanoTime() - startNanos) / 1e6;
    return new QueryResult(
        rows, new QueryPerformance(snapshot.version(), 0, snapshot.exhaustiveDocs(), cache, ms));
  }

  private List<TopK.Scored<Document>> rank(
      NamespaceSnapshot snapshot, RankBy rankBy, Filter filter, int topK) {
    Manifest m = snapshot.manifest();
    if (rankBy == null) {
      return byAttribute(snapshot, new RankBy.Attribute("id", false), filter, topK);
    }
    if (rankBy instanceof RankBy.Attribute a) {
      return byAttribute(snapshot, a, filter, topK);
    }
    TopK<Document> top = new TopK<>(topK);
    if (rankBy instanceof RankBy.Vector v) {
      Integer dim = m.vectorDim();
      if (dim == null) {
        return List.of();
      }
      if (v.vector().length != dim) {
        throw new InvalidRequestException(
            "Cannot query "
                + m.namespace()
                + ": the query vector has "
                + v.vector().length
                + " dimensions but the namespace's vectors have "
                + dim);
      }
      forEachMatch(
          snapshot,
          filter,
          d -> {
            if (d.vector() != null) {
              top.offer(d.id(), Similarity.score(m.distanceMetric(), v.vector(), d.vector()), d);
            }
          });
    } else if (rankBy instanceof RankBy.Sparse s) {
      forEachMatch(
          snapshot,
          filter,
          d -> {
            if (d.sparse() != null) {
              double score = d.sparse().dot(s.vector());
              if (score != 0) {
                top.offer(d.id(), score, d);
              }
            }
          });
    } else if (rankBy instanceof RankBy.Text t) {
      return ExhaustiveBm25.search(snapshot, t, filter, topK);
    }
    return top.result();
  }

  private static void forEachMatch(
      NamespaceSnapshot snapshot, Filter filter, Consumer<Document> action) {
    snapshot.forEachLive(
        d -> {
          if (filter == null || filter.matches(d)) {
            action.accept(d);
          }
        });
  }

  private static List<TopK.Scored<Document>> byAttribute(
      NamespaceSnapshot snapshot, RankBy.Attribute order, Filter filter, int topK) {
    List<Document> matches = new ArrayList<>();
    forEachMatch(snapshot, filter, matches::add);
    Comparator<Document> cmp = attributeOrder(order);
    matches.sort(cmp);
    List<TopK.Scored<Document>> out = new ArrayList<>(Math.min(topK, matches.size()));
    for (int i = 0; i < matches.size() && i < topK; i++) {
      Document d = matches.get(i);
      out.add(new TopK.Scored<>(d.id(), 0, d));
    }
    return out;
  }

  /**
   * Orders by an attribute (or {@code id}); documents without it come last, ties by ascending id.
   * Values of different types order booleans, then numbers, then strings, then arrays.
   */
  static Comparator<Document> attributeOrder(RankBy.Attribute order) {
    String attr = order.attr();
    Comparator<Object> values = QueryExecutor::compareValues;
    if (order.descending()) {
      values = values.reversed();
    }
    Comparator<Object> valuesFinal = values;
    Comparator<Document> byValue =
        (a, b) -> {
          Object va = attr.equals("id") ? a.id() : a.attrs().get(attr);
          Object vb = attr.equals("id") ? b.id() : b.attrs().get(attr);
          if (va == null || vb == null) {
            return va == null ? (vb == null ? 0 : 1) : -1;
          }
          return valuesFinal.compare(va, vb);
        };
    return byValue.thenComparing(Document::id);
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

  /** Reciprocal rank fusion: each sub-query to its own depth, scores {@code 1 / (k + rank)}. */
  private List<TopK.Scored<Document>> fuse(NamespaceSnapshot snapshot, QueryRequest request) {
    Map<String, double[]> scores = new HashMap<>();
    Map<String, Document> docs = new HashMap<>();
    for (QueryRequest.SubQuery sub : request.queries()) {
      Filter filter = and(request.filter(), sub.filter());
      List<TopK.Scored<Document>> ranked = rank(snapshot, sub.rankBy(), filter, sub.topK());
      for (int i = 0; i < ranked.size(); i++) {
        TopK.Scored<Document> s = ranked.get(i);
        scores.computeIfAbsent(s.id(), k -> new double[1])[0] += 1.0 / (request.fusionK() + i + 1);
        docs.putIfAbsent(s.id(), s.item());
      }
    }
    TopK<Document> top = new TopK<>(request.topK());
    scores.forEach((id, s) -> top.offer(id, s[0], docs.get(id)));
    return top.result();
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

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
