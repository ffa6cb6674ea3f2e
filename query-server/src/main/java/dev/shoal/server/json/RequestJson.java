package dev.shoal.server.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.engine.Consistency;
import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.RequestTooLargeException;
import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.index.text.TextAnalyzerOptions;
import dev.shoal.engine.json.DocumentJson;
import dev.shoal.engine.json.FilterJson;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.query.Filter;
import dev.shoal.engine.query.IncludeAttributes;
import dev.shoal.engine.query.QueryRequest;
import dev.shoal.engine.query.RankBy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the request bodies of API.md from a streaming parser: write requests (documents stream
 * through {@link DocumentJson}, so a large batch never becomes a tree), query requests (single and
 * hybrid), and the small bodies of the namespace endpoints.
 *
 * <p>Every reader rejects unknown fields, wrong types, trailing content and an empty body with an
 * {@link InvalidRequestException} naming where the problem is ({@code upserts[3].vector[7]}, {@code
 * queries[1].rank_by}); {@code null} counts as absent for optional fields. Parse errors of the JSON
 * itself are left to the caller as {@link IOException}s. Stateless and thread-safe.
 */
public final class RequestJson {
  private static final ObjectMapper TREES = new ObjectMapper(DocumentJson.FACTORY);
  private static final int MAX_LABELS = 64;
  private static final int MAX_LABEL_VALUE = 1024;

  private RequestJson() {}

  /**
   * A namespace-create body: {@code {"distance_metric": "cosine", "labels": {}, "text_analyzer":
   * {"stop_words": "english", "stemming": "porter"}}}.
   */
  public record CreateNamespace(
      DistanceMetric distanceMetric,
      Map<String, String> labels,
      TextAnalyzerOptions textAnalyzer) {}

  /**
   * Reads a write request.
   *
   * @param maxBatchDocs the most upserts, patches and deletes in one request: reading stops with
   *     {@link RequestTooLargeException} (413) as soon as there are more
   */
  public static WriteRequest readWrite(JsonParser p, int maxBatchDocs) throws IOException {
    startObject(p, "write request");
    WriteRequest.Builder b = WriteRequest.builder();
    int[] records = {0};
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (name) {
        case "upserts" ->
            readArray(
                p,
                "upserts",
                i -> {
                  count(records, maxBatchDocs);
                  b.upsert(DocumentJson.readDocument(p, "upserts[" + i + "]"));
                });
        case "patches" ->
            readArray(
                p,
                "patches",
                i -> {
                  count(records, maxBatchDocs);
                  b.patch(DocumentJson.readPatch(p, "patches[" + i + "]"));
                });
        case "deletes" ->
            readArray(
                p,
                "deletes",
                i -> {
                  count(records, maxBatchDocs);
                  String where = "deletes[" + i + "]";
                  String id = string(p, where);
                  try {
                    b.delete(Document.validateId(id));
                  } catch (InvalidRequestException e) {
                    throw invalid(where, e.getMessage());
                  }
                });
        case "delete_by_filter" -> b.deleteByFilter(filter(p, "delete_by_filter"));
        case "if_version" -> b.ifVersion(nonNegativeLong(p, "if_version"));
        case "idempotency_key" -> b.idempotencyKey(string(p, "idempotency_key"));
        case "distance_metric" -> b.distanceMetric(metric(p, "distance_metric"));
        default ->
            throw unknownField(
                "write request",
                name,
                "upserts, patches, deletes, delete_by_filter, if_version, idempotency_key,"
                    + " distance_metric");
      }
    }
    endOfInput(p);
    return b.build();
  }

  private static void count(int[] records, int max) {
    if (++records[0] > max) {
      throw new RequestTooLargeException(
          "Cannot write: the batch has more than "
              + max
              + " records (upserts, patches and deletes); split it into smaller requests");
    }
  }

  /** Reads a query request, single ({@code rank_by}) or hybrid ({@code queries}). */
  public static QueryRequest readQuery(JsonParser p) throws IOException {
    startObject(p, "query");
    QueryRequest.Builder b = QueryRequest.builder();
    List<SubQueryJson> queries = null;
    Integer topK = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (name) {
        case "rank_by" -> b.rankBy(rankBy(p, "rank_by"));
        case "filters" -> b.filter(filter(p, "filters"));
        case "top_k" -> topK = integer(p, "top_k");
        case "include_attributes" -> b.includeAttributes(includeAttributes(p));
        case "include_text" -> b.includeText(bool(p, "include_text"));
        case "include_vector" -> b.includeVector(bool(p, "include_vector"));
        case "consistency" -> b.consistency(Consistency.parse(string(p, "consistency")));
        case "queries" -> {
          List<SubQueryJson> list = new ArrayList<>();
          readArray(p, "queries", i -> list.add(subQuery(p, "queries[" + i + "]")));
          queries = list;
        }
        case "fusion" -> b.fusionK(fusion(p));
        default ->
            throw unknownField(
                "query",
                name,
                "rank_by, filters, top_k, include_attributes, include_text, include_vector,"
                    + " consistency, queries, fusion");
      }
    }
    endOfInput(p);
    int k = topK == null ? QueryRequest.DEFAULT_TOP_K : checkTopK(topK, "top_k");
    b.topK(k);
    if (queries != null) {
      if (queries.isEmpty()) {
        throw invalid("queries", "a hybrid query needs at least one sub-query");
      }
      List<QueryRequest.SubQuery> subs = new ArrayList<>(queries.size());
      for (SubQueryJson q : queries) {
        // A sub-query without its own top_k ranks as deep as the fused result.
        subs.add(new QueryRequest.SubQuery(q.rankBy, q.filter, q.topK == null ? k : q.topK));
      }
      b.queries(subs);
    }
    return b.build();
  }

  private record SubQueryJson(RankBy rankBy, Filter filter, Integer topK) {}

  private static SubQueryJson subQuery(JsonParser p, String where) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw invalid(where, "expected an object with rank_by, filters, top_k, found " + describe(p));
    }
    RankBy rankBy = null;
    Filter filter = null;
    Integer topK = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (name) {
        case "rank_by" -> rankBy = rankBy(p, where + ".rank_by");
        case "filters" -> filter = filter(p, where + ".filters");
        case "top_k" -> topK = checkTopK(integer(p, where + ".top_k"), where + ".top_k");
        default -> throw unknownField(where, name, "rank_by, filters, top_k");
      }
    }
    if (rankBy == null) {
      throw invalid(where, "\"rank_by\" is missing");
    }
    return new SubQueryJson(rankBy, filter, topK);
  }

  private static int fusion(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw invalid("fusion", "expected {\"method\": \"rrf\", \"k\": 60}, found " + describe(p));
    }
    int k = QueryRequest.DEFAULT_FUSION_K;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (name) {
        case "method" -> {
          String m = string(p, "fusion.method");
          if (!m.equalsIgnoreCase("rrf")) {
            throw invalid("fusion.method", "unknown method \"" + m + "\"; expected rrf");
          }
        }
        case "k" -> {
          k = integer(p, "fusion.k");
          if (k < 0) {
            throw invalid("fusion.k", k + " is negative");
          }
        }
        default -> throw unknownField("fusion", name, "method, k");
      }
    }
    return k;
  }

  /**
   * Reads a {@code rank_by}: {@code ["vector", "ANN"|"kNN", [..]]}, {@code ["sparse", "Dot",
   * {..}]}, {@code [field, "BM25", "words"]} or {@code [attr, "asc"|"desc"]}. Operators are matched
   * case-insensitively.
   */
  static RankBy rankBy(JsonParser p, String where) throws IOException {
    String forms =
        "expected [\"vector\", \"ANN\"|\"kNN\", [..]], [\"sparse\", \"Dot\", {..}],"
            + " [field, \"BM25\", \"words\"] or [attribute, \"asc\"|\"desc\"]";
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw invalid(where, forms + ", found " + describe(p));
    }
    if (p.nextToken() != JsonToken.VALUE_STRING) {
      throw invalid(where + "[0]", "expected a field or attribute name, found " + describe(p));
    }
    String head = p.getText();
    if (p.nextToken() != JsonToken.VALUE_STRING) {
      throw invalid(where + "[1]", "expected an operator, found " + describe(p));
    }
    String op = p.getText().toLowerCase(Locale.ROOT);
    RankBy result;
    switch (op) {
      case "ann", "knn" -> {
        if (!head.equals("vector")) {
          throw invalid(where + "[0]", "ANN and kNN rank by \"vector\", not \"" + head + "\"");
        }
        p.nextToken();
        result = new RankBy.Vector(DocumentJson.readVector(p, where + "[2]"), op.equals("knn"));
      }
      case "dot" -> {
        if (!head.equals("sparse")) {
          throw invalid(where + "[0]", "Dot ranks by \"sparse\", not \"" + head + "\"");
        }
        p.nextToken();
        result = new RankBy.Sparse(DocumentJson.readSparse(p, where + "[2]"));
      }
      case "bm25" -> {
        p.nextToken();
        result = new RankBy.Text(head, string(p, where + "[2]"));
      }
      case "asc", "desc" -> result = new RankBy.Attribute(head, op.equals("desc"));
      default -> throw invalid(where + "[1]", "unknown operator \"" + p.getText() + "\"; " + forms);
    }
    if (p.nextToken() != JsonToken.END_ARRAY) {
      throw invalid(where, "unexpected extra elements; " + forms);
    }
    return result;
  }

  private static IncludeAttributes includeAttributes(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_TRUE) {
      return IncludeAttributes.ALL;
    }
    if (t == JsonToken.VALUE_FALSE) {
      return IncludeAttributes.NONE;
    }
    if (t != JsonToken.START_ARRAY) {
      throw invalid(
          "include_attributes", "expected true, false or a list of names, found " + describe(p));
    }
    List<String> names = new ArrayList<>();
    readArray(p, "include_attributes", i -> names.add(string(p, "include_attributes[" + i + "]")));
    return IncludeAttributes.of(names);
  }

  /** Reads a namespace-create body; an empty body means the defaults. */
  public static CreateNamespace readCreate(JsonParser p) throws IOException {
    if (p.nextToken() == null) {
      return new CreateNamespace(null, Map.of(), TextAnalyzerOptions.DEFAULT);
    }
    expectObject(p, "namespace");
    DistanceMetric metric = null;
    Map<String, String> labels = Map.of();
    TextAnalyzerOptions analyzer = TextAnalyzerOptions.DEFAULT;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (name) {
        case "distance_metric" -> metric = metric(p, "distance_metric");
        case "labels" -> labels = labels(p);
        case "text_analyzer" -> analyzer = textAnalyzer(p);
        default -> throw unknownField("namespace", name, "distance_metric, labels, text_analyzer");
      }
    }
    endOfInput(p);
    return new CreateNamespace(metric, labels, analyzer);
  }

  /** Reads {@code {"stop_words": "none"|"english", "stemming": "none"|"porter"}}. */
  private static TextAnalyzerOptions textAnalyzer(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new InvalidRequestException(
          "Invalid text_analyzer: expected an object like {\"stop_words\": \"english\","
              + " \"stemming\": \"porter\"}");
    }
    Map<String, Object> options = new java.util.LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        throw new InvalidRequestException("Invalid text_analyzer." + name + ": expected a string");
      }
      options.put(name, p.getText());
    }
    try {
      return TextAnalyzerOptions.fromMap(options);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("Invalid text_analyzer: " + e.getMessage(), e);
    }
  }

  /** Reads {@code {"labels": {...}}} (the labels are required: they replace the old ones). */
  public static Map<String, String> readLabels(JsonParser p) throws IOException {
    startObject(p, "labels update");
    Map<String, String> labels = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (!name.equals("labels")) {
        throw unknownField("labels update", name, "labels");
      }
      if (p.currentToken() != JsonToken.VALUE_NULL) {
        labels = labels(p);
      }
    }
    endOfInput(p);
    if (labels == null) {
      throw invalid("labels update", "\"labels\" is missing (give {} to remove every label)");
    }
    return labels;
  }

  /** Reads {@code {"target": "new-ns"}} of branch and copy. */
  public static String readTarget(JsonParser p) throws IOException {
    startObject(p, "request");
    String target = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (!name.equals("target")) {
        throw unknownField("request", name, "target");
      }
      target = string(p, "target");
    }
    endOfInput(p);
    if (target == null) {
      throw invalid("request", "\"target\" is missing: the name of the new namespace");
    }
    return target;
  }

  /**
   * Reads a body holding at most one boolean field ({@code {"force": true}}, {@code {"sweep":
   * false}}); an empty body or an absent field means false.
   */
  public static boolean readFlag(JsonParser p, String field) throws IOException {
    if (p.nextToken() == null) {
      return false;
    }
    expectObject(p, "request");
    boolean value = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (!name.equals(field)) {
        throw unknownField("request", name, field);
      }
      if (t != JsonToken.VALUE_NULL) {
        value = bool(p, field);
      }
    }
    endOfInput(p);
    return value;
  }

  /** Reads the body of an endpoint that takes none: empty, or {@code {}}. */
  public static void readEmpty(JsonParser p) throws IOException {
    if (p.nextToken() == null) {
      return;
    }
    expectObject(p, "request");
    if (p.nextToken() == JsonToken.FIELD_NAME) {
      throw invalid(
          "request", "unknown field \"" + p.currentName() + "\"; this endpoint takes no body");
    }
    endOfInput(p);
  }

  // ---------------------------------------------------------------------------------------------

  private interface Element {
    void read(int index) throws IOException;
  }

  private static void readArray(JsonParser p, String where, Element element) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw invalid(where, "expected an array, found " + describe(p));
    }
    int i = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      element.read(i++);
    }
  }

  private static Map<String, String> labels(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw invalid("labels", "expected an object of strings, found " + describe(p));
    }
    Map<String, String> out = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (name.isEmpty() || name.length() > 128) {
        throw invalid("labels", "label names must be 1 to 128 characters");
      }
      String value = string(p, "labels." + name);
      if (value.length() > MAX_LABEL_VALUE) {
        throw invalid("labels." + name, "longer than " + MAX_LABEL_VALUE + " characters");
      }
      out.put(name, value);
      if (out.size() > MAX_LABELS) {
        throw invalid("labels", "more than " + MAX_LABELS + " labels");
      }
    }
    return out;
  }

  private static Filter filter(JsonParser p, String where) throws IOException {
    JsonNode tree = TREES.readTree(p);
    return FilterJson.read(tree, where);
  }

  private static DistanceMetric metric(JsonParser p, String where) throws IOException {
    String name = string(p, where);
    try {
      return DistanceMetric.parse(name);
    } catch (IllegalArgumentException e) {
      throw invalid(where, "unknown metric \"" + name + "\"; expected cosine, euclidean or dot");
    }
  }

  private static String string(JsonParser p, String where) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw invalid(where, "expected a string, found " + describe(p));
    }
    return p.getText();
  }

  private static boolean bool(JsonParser p, String where) throws IOException {
    JsonToken t = p.currentToken();
    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
      throw invalid(where, "expected true or false, found " + describe(p));
    }
    return t == JsonToken.VALUE_TRUE;
  }

  private static int integer(JsonParser p, String where) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() != JsonParser.NumberType.INT) {
      throw invalid(where, "expected a 32-bit integer, found " + describeValue(p));
    }
    return p.getIntValue();
  }

  private static long nonNegativeLong(JsonParser p, String where) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
        || p.getLongValue() < 0) {
      throw invalid(where, "expected a non-negative integer, found " + describeValue(p));
    }
    return p.getLongValue();
  }

  private static int checkTopK(int topK, String where) {
    if (topK < 1 || topK > QueryRequest.MAX_TOP_K) {
      throw invalid(where, topK + " is out of range; expected 1 to " + QueryRequest.MAX_TOP_K);
    }
    return topK;
  }

  private static void startObject(JsonParser p, String what) throws IOException {
    if (p.nextToken() == null) {
      throw invalid(what, "the request body is empty; expected a JSON object");
    }
    expectObject(p, what);
  }

  private static void expectObject(JsonParser p, String what) {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw invalid(what, "expected a JSON object, found " + describe(p));
    }
  }

  private static void endOfInput(JsonParser p) throws IOException {
    if (p.nextToken() != null) {
      throw invalid("request body", "unexpected content after the JSON object");
    }
  }

  private static String describe(JsonParser p) {
    JsonToken t = p.currentToken();
    if (t == null) {
      return "end of input";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  private static String describeValue(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    return t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT
        ? p.getText()
        : describe(p);
  }

  private static InvalidRequestException unknownField(String where, String name, String expected) {
    return invalid(where, "unknown field \"" + name + "\"; expected " + expected);
  }

  private static InvalidRequestException invalid(String where, String reason) {
    return new InvalidRequestException("Invalid " + where + ": " + reason);
  }
}
