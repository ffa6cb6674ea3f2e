package dev.shoal.flink.testing;

import dev.shoal.engine.Consistency;
import dev.shoal.engine.Engine;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.query.Filter;
import dev.shoal.engine.query.IncludeAttributes;
import dev.shoal.engine.query.QueryRequest;
import dev.shoal.engine.query.QueryRow;
import dev.shoal.engine.query.RankBy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads every live document of a namespace, in id order, as comparable values. */
public final class NamespaceContents {
  private NamespaceContents() {}

  /** A document reduced to what the tests compare. */
  public record Doc(List<Float> vector, Map<String, Object> attrs) {}

  public static Map<String, Doc> read(Engine engine, NamespacePath ns) {
    Map<String, Doc> out = new TreeMap<>();
    String after = null;
    while (true) {
      QueryRequest.Builder q =
          QueryRequest.builder()
              .rankBy(new RankBy.Attribute("id", false))
              .topK(QueryRequest.MAX_TOP_K)
              .includeAttributes(IncludeAttributes.ALL)
              .includeVector(true)
              .consistency(Consistency.STRONG);
      if (after != null) {
        q.filter(Filter.Compare.of("id", Filter.Op.Gt, after));
      }
      List<QueryRow> rows = engine.query(ns, q.build()).rows();
      for (QueryRow r : rows) {
        out.put(r.id(), new Doc(floats(r.vector()), new TreeMap<>(r.attrs())));
        after = r.id();
      }
      if (rows.size() < QueryRequest.MAX_TOP_K) {
        return out;
      }
    }
  }

  public static List<Float> floats(float[] v) {
    if (v == null) {
      return null;
    }
    Float[] boxed = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      boxed[i] = v[i];
    }
    return Arrays.asList(boxed);
  }
}
