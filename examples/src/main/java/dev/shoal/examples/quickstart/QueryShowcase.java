package dev.shoal.examples.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.examples.Embeddings;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The queries the quickstart runs through the REST API (vector, BM25, filtered, hybrid), how it
 * prints them, and the {@code curl} commands it suggests.
 */
final class QueryShowcase {
  private QueryShowcase() {}

  /** Stands for the embedding of a text in a request body; printed as {@code embed("text")}. */
  record Embed(String text) {}

  /** A query to show: a title and its request body. */
  record Example(String title, Map<String, Object> body) {}

  static List<Example> examples() {
    List<Example> list = new ArrayList<>();
    list.add(
        new Example(
            "Vector search (approximate nearest neighbours of an embedded question)",
            query(List.of("vector", "ANN", new Embed("kafka streaming pipelines")), null)));
    list.add(
        new Example(
            "Full-text search (BM25 over the title and body fields)",
            query(List.of("$text", "BM25", "exactly once checkpoints"), null)));
    list.add(
        new Example(
            "Filtered vector search (German articles from 2022 on)",
            query(
                List.of("vector", "ANN", new Embed("vector search embeddings")),
                List.of(
                    "And", List.of(List.of("lang", "Eq", "de"), List.of("year", "Gte", 2022))))));
    Map<String, Object> hybrid = new LinkedHashMap<>();
    hybrid.put(
        "queries",
        List.of(
            object(
                "rank_by",
                List.of("vector", "ANN", new Embed("object storage caching")),
                "top_k",
                20),
            object("rank_by", List.of("body", "BM25", "caching s3"), "top_k", 20)));
    hybrid.put("fusion", object("method", "rrf", "k", 60));
    hybrid.put("top_k", 5);
    hybrid.put("include_attributes", List.of("lang", "year"));
    hybrid.put("include_text", true);
    list.add(
        new Example("Hybrid search (vector and BM25 fused with reciprocal rank fusion)", hybrid));
    return list;
  }

  /** A JSON object with the keys in the given order. */
  private static Map<String, Object> object(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private static Map<String, Object> query(List<Object> rankBy, Object filters) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("rank_by", rankBy);
    if (filters != null) {
      body.put("filters", filters);
    }
    body.put("top_k", 5);
    body.put("include_attributes", List.of("lang", "year"));
    body.put("include_text", true);
    return body;
  }

  /** Runs every example query against {@code namespaceUrl} and prints request and rows. */
  static void run(JsonHttp http, URI namespaceUrl, String path, PrintStream out) throws Exception {
    for (Example e : examples()) {
      out.println();
      out.println("  " + e.title());
      out.println("  POST " + path + "/query");
      out.println("  " + render(e.body(), true));
      JsonNode result =
          http.post(URI.create(namespaceUrl + "/query"), render(e.body(), false), 200);
      printRows(result, out);
    }
  }

  static void printRows(JsonNode result, PrintStream out) {
    int rank = 1;
    for (JsonNode row : result.path("rows")) {
      out.printf(
          Locale.ROOT,
          "    %d. %-10s %7.4f  %-2s %4s  %s%n",
          rank++,
          row.path("id").asText(),
          row.path("score").asDouble(),
          row.path("attrs").path("lang").asText(),
          row.path("attrs").path("year").asText(),
          row.path("text").path("title").asText());
    }
    JsonNode perf = result.path("performance");
    out.printf(
        Locale.ROOT,
        "    (manifest version %d, %d segment(s) searched, %d documents scored exhaustively, %.1f ms in"
            + " the server)%n",
        perf.path("manifest_version").asLong(),
        perf.path("segments_searched").asLong(),
        perf.path("exhaustive_docs").asLong(),
        perf.path("server_ms").asDouble());
  }

  /** Ready-to-paste commands against the running server and Connect worker. */
  static List<String> curlCommands(URI server, String path, URI connect, String connector) {
    String s = trimSlash(server.toString());
    List<String> lines = new ArrayList<>();
    lines.add("S=" + s + "; NS=$S" + path + "; H='Content-Type: application/json'");
    lines.add("curl -s $NS                                  # namespace info");
    lines.add("curl -s $NS/documents/doc-000042             # one document");
    lines.add(
        "curl -s -X POST $NS/query -H \"$H\" -d '"
            + render(query(List.of("$text", "BM25", "exactly once checkpoints"), null), false)
            + "'");
    lines.add(
        "curl -s -X POST $NS/query -H \"$H\" -d '"
            + render(
                query(
                    List.of("title", "BM25", "kafka"),
                    List.of(
                        "And", List.of(List.of("lang", "Eq", "fr"), List.of("price", "Lt", 10)))),
                false)
            + "'");
    Map<String, Object> vector = new LinkedHashMap<>();
    vector.put("rank_by", List.of("vector", "ANN", new Embed("kafka streaming pipelines")));
    vector.put("top_k", 3);
    vector.put("include_attributes", false);
    lines.add(
        "curl -s -X POST $NS/query -H \"$H\" -d '"
            + render(vector, false)
            + "'   # the embedding of \"kafka streaming pipelines\"");
    lines.add("curl -s $S/metrics | grep ^shoal_http_requests_total");
    lines.add(
        "curl -s "
            + trimSlash(connect.toString())
            + "/connectors/"
            + connector
            + "/status   # the Connect worker");
    return lines;
  }

  private static String trimSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * JSON text of a body. With {@code display}, an {@link Embed} is shown as {@code embed("text")};
   * otherwise as its vector, with 4 decimals.
   */
  static String render(Object value, boolean display) {
    StringBuilder sb = new StringBuilder();
    render(value, display, sb);
    return sb.toString();
  }

  private static void render(Object value, boolean display, StringBuilder sb) {
    if (value instanceof Embed e) {
      if (display) {
        sb.append("embed(").append(quote(e.text())).append(')');
      } else {
        float[] v = Embeddings.embed(e.text());
        sb.append('[');
        for (int i = 0; i < v.length; i++) {
          sb.append(i == 0 ? "" : ",").append(number(v[i]));
        }
        sb.append(']');
      }
    } else if (value instanceof Map<?, ?> map) {
      sb.append('{');
      Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<?, ?> entry = it.next();
        sb.append(quote(entry.getKey().toString()));
        sb.append(':');
        render(entry.getValue(), display, sb);
        if (it.hasNext()) {
          sb.append(',');
        }
      }
      sb.append('}');
    } else if (value instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        sb.append(i == 0 ? "" : ",");
        render(list.get(i), display, sb);
      }
      sb.append(']');
    } else if (value instanceof String s) {
      sb.append(quote(s));
    } else {
      sb.append(JsonHttp.toJson(value == null ? JsonHttp.JSON.nullNode() : value));
    }
  }

  /** A vector element with at most 4 decimals and no trailing zeros: {@code 0}, {@code -0.2949}. */
  static String number(float x) {
    String s = String.format(Locale.ROOT, "%.4f", x);
    s = s.replaceFirst("0+$", "").replaceFirst("\\.$", "");
    return s.equals("-0") ? "0" : s;
  }

  private static String quote(String s) {
    return JsonHttp.JSON.getNodeFactory().textNode(s).toString();
  }
}
