package dev.shoal.engine.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.engine.model.SparseVector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of documents (DESIGN.md): {@code {"id", "vector", "sparse", "text", "attrs"}}.
 *
 * <p>Reading streams tokens (a batch of large vectors never becomes a tree) and reports the first
 * problem with its location, such as {@code upserts[3].vector[7]}. Unknown fields, NaN, nested
 * attribute objects and wrong types are errors, never silently dropped.
 *
 * <p>Stateless and thread-safe.
 */
public final class DocumentJson {
  /** A factory with the limits Shoal accepts (nesting, number and string lengths). */
  public static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(64)
                  .maxNumberLength(400)
                  .maxStringLength(64 << 20)
                  .build())
          .build();

  private DocumentJson() {}

  /** Parses one document from a JSON string. */
  public static Document parse(String json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      p.nextToken();
      Document d = readDocument(p, "document");
      if (p.nextToken() != null) {
        throw invalid("document", "unexpected content after the document");
      }
      return d;
    } catch (IOException e) {
      throw JsonErrors.malformed("document", e);
    }
  }

  /**
   * Reads a document; the parser is on its {@code START_OBJECT} and is left on its {@code
   * END_OBJECT}.
   *
   * @param where the location for messages, such as {@code upserts[3]}
   */
  public static Document readDocument(JsonParser p, String where) throws IOException {
    Fields f = readFields(p, where, false);
    if (f.id == null) {
      throw invalid(where, "\"id\" is missing");
    }
    try {
      return new Document(f.id, f.vector, f.sparse, f.text, f.attrs);
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException(relocate(where, e.getMessage()), e);
    }
  }

  /** Reads a patch (like a document; {@code null} attribute or text values remove the field). */
  public static DocumentPatch readPatch(JsonParser p, String where) throws IOException {
    Fields f = readFields(p, where, true);
    if (f.id == null) {
      throw invalid(where, "\"id\" is missing");
    }
    try {
      return new DocumentPatch(f.id, f.vector, f.sparse, f.text, f.attrs);
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException(relocate(where, e.getMessage()), e);
    }
  }

  /** Puts the JSON location into the model's message: {@code Invalid upserts[3] "x": reason}. */
  private static String relocate(String where, String message) {
    String prefix = "Invalid document";
    if (!message.startsWith(prefix)) {
      return "Invalid " + where + ": " + message;
    }
    return "Invalid " + where + message.substring(prefix.length());
  }

  private static final class Fields {
    String id;
    float[] vector;
    SparseVector sparse;
    Map<String, String> text;
    Map<String, Object> attrs;
  }

  private static Fields readFields(JsonParser p, String where, boolean patch) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw invalid(where, "expected a JSON object, found " + describe(p));
    }
    Fields f = new Fields();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "id" -> {
          if (t != JsonToken.VALUE_STRING) {
            throw invalid(where, "\"id\" must be a string, found " + describe(p));
          }
          f.id = p.getText();
        }
        case "vector" ->
            f.vector = t == JsonToken.VALUE_NULL ? null : readVector(p, where + ".vector");
        case "sparse" ->
            f.sparse = t == JsonToken.VALUE_NULL ? null : readSparse(p, where + ".sparse");
        case "text" ->
            f.text = t == JsonToken.VALUE_NULL ? null : readText(p, where + ".text", patch);
        case "attrs" ->
            f.attrs = t == JsonToken.VALUE_NULL ? null : readAttrs(p, where + ".attrs", patch);
        default ->
            throw invalid(
                where, "unknown field \"" + name + "\"; expected id, vector, sparse, text, attrs");
      }
    }
    return f;
  }

  /** Reads an array of numbers as floats. */
  public static float[] readVector(JsonParser p, String where) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw invalid(where, "expected an array of numbers, found " + describe(p));
    }
    float[] buf = new float[256];
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
        throw invalid(where + "[" + n + "]", "expected a number, found " + describe(p));
      }
      float v = p.getFloatValue();
      if (!Float.isFinite(v)) {
        throw invalid(where + "[" + n + "]", "not a finite 32-bit float: " + p.getText());
      }
      if (n == buf.length) {
        if (n >= Document.MAX_DIMENSION) {
          throw invalid(where, "more than " + Document.MAX_DIMENSION + " dimensions");
        }
        buf = java.util.Arrays.copyOf(buf, n * 2);
      }
      buf[n++] = v;
    }
    return java.util.Arrays.copyOf(buf, n);
  }

  /** Reads {@code {"indices": [...], "values": [...]}}. */
  public static SparseVector readSparse(JsonParser p, String where) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw invalid(
          where, "expected {\"indices\": [...], \"values\": [...]}, found " + describe(p));
    }
    int[] indices = null;
    float[] values = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "indices" -> indices = readIndices(p, where + ".indices");
        case "values" -> values = readVector(p, where + ".values");
        default -> throw invalid(where, "unknown field \"" + name + "\"; expected indices, values");
      }
    }
    if (indices == null || values == null) {
      throw invalid(where, "needs both \"indices\" and \"values\"");
    }
    try {
      return SparseVector.of(indices, values);
    } catch (IllegalArgumentException e) {
      throw invalid(where, e.getMessage());
    }
  }

  private static int[] readIndices(JsonParser p, String where) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw invalid(where, "expected an array of integers, found " + describe(p));
    }
    List<Integer> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
          || p.getNumberType() != JsonParser.NumberType.INT
          || p.getIntValue() < 0) {
        throw invalid(
            where + "[" + out.size() + "]",
            "expected a non-negative 32-bit integer, found " + describe(p));
      }
      out.add(p.getIntValue());
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static Map<String, String> readText(JsonParser p, String where, boolean patch)
      throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw invalid(where, "expected an object of text fields, found " + describe(p));
    }
    Map<String, String> out = new HashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL && patch) {
        out.put(name, null);
      } else if (t == JsonToken.VALUE_STRING) {
        out.put(name, p.getText());
      } else {
        throw invalid(where + "." + name, "expected a string, found " + describe(p));
      }
    }
    return out;
  }

  private static Map<String, Object> readAttrs(JsonParser p, String where, boolean patch)
      throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw invalid(where, "expected an object of attributes, found " + describe(p));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        if (!patch) {
          throw invalid(where + "." + name, "null is not a value (omit the attribute instead)");
        }
        out.put(name, null);
      } else {
        out.put(name, readValue(p, where + "." + name));
      }
    }
    return out;
  }

  /**
   * Reads an attribute value: a scalar or an array of scalars, normalized as {@link
   * dev.shoal.engine.model.Attributes} describes.
   */
  public static Object readValue(JsonParser p, String where) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_ARRAY) {
      List<Object> list = new ArrayList<>();
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == JsonToken.START_ARRAY
            || t == JsonToken.START_OBJECT
            || t == JsonToken.VALUE_NULL) {
          throw invalid(
              where + "[" + list.size() + "]",
              "arrays may hold only strings, numbers and booleans");
        }
        list.add(readScalar(p, where + "[" + list.size() + "]"));
      }
      return list;
    }
    if (t == JsonToken.START_OBJECT) {
      throw invalid(where, "objects are not attribute values; use a scalar or an array of scalars");
    }
    return readScalar(p, where);
  }

  private static Object readScalar(JsonParser p, String where) throws IOException {
    switch (p.currentToken()) {
      case VALUE_STRING:
        return p.getText();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NUMBER_INT:
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          double d = p.getDoubleValue();
          if (!Double.isFinite(d)) {
            throw invalid(where, "number out of range: " + p.getText());
          }
          return d;
        }
        return p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        double d = p.getDoubleValue();
        if (!Double.isFinite(d)) {
          throw invalid(where, "number out of range: " + p.getText());
        }
        return d;
      default:
        throw invalid(where, "expected a string, number or boolean, found " + describe(p));
    }
  }

  /** Writes a document; text and vectors only when asked. */
  public static void write(JsonGenerator g, Document d) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", d.id());
    if (d.vector() != null) {
      g.writeFieldName("vector");
      writeVector(g, d.vector());
    }
    if (d.sparse() != null) {
      g.writeFieldName("sparse");
      writeSparse(g, d.sparse());
    }
    if (!d.text().isEmpty()) {
      g.writeFieldName("text");
      g.writeStartObject();
      for (Map.Entry<String, String> e : d.text().entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }
    g.writeFieldName("attrs");
    writeAttrs(g, d.attrs());
    g.writeEndObject();
  }

  /** A document as a JSON string. */
  public static String toJson(Document d) {
    java.io.StringWriter w = new java.io.StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      write(g, d);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  public static void writeVector(JsonGenerator g, float[] v) throws IOException {
    g.writeStartArray();
    for (float x : v) {
      g.writeNumber(x);
    }
    g.writeEndArray();
  }

  public static void writeSparse(JsonGenerator g, SparseVector s) throws IOException {
    g.writeStartObject();
    g.writeFieldName("indices");
    g.writeArray(s.indices(), 0, s.size());
    g.writeFieldName("values");
    writeVector(g, s.values());
    g.writeEndObject();
  }

  public static void writeAttrs(JsonGenerator g, Map<String, Object> attrs) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, Object> e : attrs.entrySet()) {
      g.writeFieldName(e.getKey());
      writeValue(g, e.getValue());
    }
    g.writeEndObject();
  }

  public static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Long l) {
      g.writeNumber(l);
    } else if (v instanceof Double d) {
      g.writeNumber(d);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof List<?> list) {
      g.writeStartArray();
      for (Object o : list) {
        writeValue(g, o);
      }
      g.writeEndArray();
    } else if (v == null) {
      g.writeNull();
    } else {
      throw new IllegalArgumentException("Cannot write attribute value of " + v.getClass());
    }
  }

  static String describe(JsonParser p) {
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

  static InvalidRequestException invalid(String where, String reason) {
    return new InvalidRequestException("Invalid " + where + ": " + reason);
  }
}
