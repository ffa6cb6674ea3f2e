package dev.shoal.server.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.shoal.engine.NamespaceList;
import dev.shoal.engine.json.DocumentJson;
import dev.shoal.engine.query.QueryPerformance;
import dev.shoal.engine.query.QueryResult;
import dev.shoal.engine.query.QueryRow;
import java.io.IOException;
import java.util.Map;

/**
 * Writes the response bodies of API.md. Value records (namespace info, write result, reports) are
 * written by Jackson with snake_case names, so a field the engine adds appears without code here;
 * query results and lists are generated field by field, streaming. Stateless and thread-safe.
 */
public final class ResponseJson {
  private static final ObjectMapper RECORDS =
      new ObjectMapper(DocumentJson.FACTORY)
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private ResponseJson() {}

  /**
   * Writes a record, such as {@link dev.shoal.engine.NamespaceInfo} or {@link
   * dev.shoal.engine.WriteResult}, with snake_case field names.
   */
  public static void writeRecord(JsonGenerator g, Record value) throws IOException {
    RECORDS.writeValue(g, value);
  }

  /** {@code {"namespaces": [...], "next_cursor": null}}. */
  public static void writeList(JsonGenerator g, NamespaceList list) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("namespaces");
    for (String n : list.namespaces()) {
      g.writeString(n);
    }
    g.writeEndArray();
    g.writeStringField("next_cursor", list.nextCursor());
    g.writeEndObject();
  }

  /**
   * {@code {"rows": [{"id", "score", "attrs", "text"?, "vector"?, "sparse"?}], "performance":
   * {...}}}. {@code score} is null when ordering by an attribute; {@code text} is present with
   * {@code include_text}, {@code vector} and {@code sparse} with {@code include_vector} when the
   * document has them.
   */
  public static void writeQueryResult(JsonGenerator g, QueryResult result) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("rows");
    for (QueryRow row : result.rows()) {
      g.writeStartObject();
      g.writeStringField("id", row.id());
      g.writeFieldName("score");
      if (row.score() == null) {
        g.writeNull();
      } else {
        g.writeNumber(row.score());
      }
      g.writeFieldName("attrs");
      DocumentJson.writeAttrs(g, row.attrs());
      if (row.text() != null) {
        g.writeObjectFieldStart("text");
        for (Map.Entry<String, String> e : row.text().entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      if (row.vector() != null) {
        g.writeFieldName("vector");
        DocumentJson.writeVector(g, row.vector());
      }
      if (row.sparse() != null) {
        g.writeFieldName("sparse");
        DocumentJson.writeSparse(g, row.sparse());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    QueryPerformance perf = result.performance();
    g.writeObjectFieldStart("performance");
    g.writeNumberField("manifest_version", perf.manifestVersion());
    g.writeNumberField("segments_searched", perf.segmentsSearched());
    g.writeNumberField("exhaustive_docs", perf.exhaustiveDocs());
    g.writeStringField("cache", perf.cache());
    g.writeNumberField("server_ms", Math.round(perf.serverMs() * 1000) / 1000.0);
    g.writeEndObject();
    g.writeEndObject();
  }
}
