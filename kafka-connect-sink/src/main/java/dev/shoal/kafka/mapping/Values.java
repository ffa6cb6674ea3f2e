package dev.shoal.kafka.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * Turns the value forms Connect hands a sink into one shape: a tree of {@link Map}s (field order
 * kept), {@link List}s and scalars. {@link Struct}s become maps, {@link ByteBuffer}s become byte
 * arrays, and JSON text (a {@code String} or UTF-8 {@code byte[]} from the String or ByteArray
 * converter) is parsed. Stateless and thread-safe.
 */
final class Values {
  private Values() {}

  /** Thrown for a value that is not an object: the caller adds the record's coordinates. */
  static final class NotAnObject extends Exception {
    private static final long serialVersionUID = 1L;

    NotAnObject(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The record value as a map of fields.
   *
   * @throws NotAnObject for malformed JSON or a value that is not an object
   */
  static Map<String, Object> asObject(Object value) throws NotAnObject {
    return asObject(value, JsonReader.VectorField.NONE);
  }

  /**
   * The record value as a map of fields, JSON arrays of {@code vector} read as float32 (see {@link
   * JsonReader}).
   *
   * @throws NotAnObject for malformed JSON or a value that is not an object
   */
  static Map<String, Object> asObject(Object value, JsonReader.VectorField vector)
      throws NotAnObject {
    if (value instanceof Struct s) {
      return structToMap(s);
    }
    if (value instanceof Map<?, ?> m) {
      return mapToTree(m);
    }
    if (value instanceof String s) {
      return parseJsonObject(s, vector);
    }
    if (value instanceof byte[] bytes) {
      return parseJsonObject(bytes, vector);
    }
    if (value instanceof ByteBuffer buffer) {
      return parseJsonObject(toBytes(buffer), vector);
    }
    throw new NotAnObject(
        "the value is a "
            + typeName(value)
            + "; expected a Struct, a Map or a JSON object (check value.converter)");
  }

  private static Map<String, Object> parseJsonObject(String text, JsonReader.VectorField vector)
      throws NotAnObject {
    String trimmed = text.strip();
    if (!trimmed.startsWith("{")) {
      throw notAnObject(trimmed);
    }
    try {
      return JsonReader.readObject(trimmed, vector);
    } catch (IOException e) {
      throw malformed(e);
    }
  }

  private static Map<String, Object> parseJsonObject(byte[] bytes, JsonReader.VectorField vector)
      throws NotAnObject {
    int i = 0;
    while (i < bytes.length
        && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t')) {
      i++;
    }
    if (i == bytes.length || bytes[i] != '{') {
      throw notAnObject(utf8(bytes, "value").strip());
    }
    try {
      return JsonReader.readObject(bytes, vector);
    } catch (IOException e) {
      throw malformed(e);
    }
  }

  private static NotAnObject notAnObject(String trimmed) {
    return new NotAnObject(
        "the value is not a JSON object: it starts with "
            + (trimmed.isEmpty() ? "nothing" : "'" + snippet(trimmed) + "'"));
  }

  private static NotAnObject malformed(IOException e) {
    String message =
        e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    String where = "";
    if (e instanceof JsonProcessingException j && j.getLocation() != null) {
      where = " at character " + j.getLocation().getCharOffset();
    }
    return new NotAnObject("the value is malformed JSON: " + message + where);
  }

  static Map<String, Object> structToMap(Struct struct) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Field f : struct.schema().fields()) {
      out.put(f.name(), tree(struct.get(f)));
    }
    return out;
  }

  private static Map<String, Object> mapToTree(Map<?, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      out.put(String.valueOf(e.getKey()), tree(e.getValue()));
    }
    return out;
  }

  /** Converts nested values; scalars are kept as they are. */
  static Object tree(Object value) {
    if (value instanceof Struct s) {
      return structToMap(s);
    }
    if (value instanceof Map<?, ?> m) {
      return mapToTree(m);
    }
    if (value instanceof List<?> list) {
      // Lists of scalars (vectors above all) are kept as they are: copying them costs time.
      boolean scalars = true;
      for (Object o : list) {
        if (o instanceof Struct
            || o instanceof Map<?, ?>
            || o instanceof List<?>
            || o instanceof ByteBuffer) {
          scalars = false;
          break;
        }
      }
      if (scalars) {
        return list;
      }
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) {
        out.add(tree(o));
      }
      return out;
    }
    if (value instanceof ByteBuffer buffer) {
      return toBytes(buffer);
    }
    return value;
  }

  static byte[] toBytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }

  /** Decodes strict UTF-8, or throws naming {@code what}. */
  static String utf8(byte[] bytes, String what) throws NotAnObject {
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new NotAnObject("the " + what + " is bytes that are not valid UTF-8");
    }
  }

  static String typeName(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof byte[]) {
      return "byte array";
    }
    if (value instanceof Struct) {
      return "Struct";
    }
    if (value instanceof Map<?, ?>) {
      return "map";
    }
    if (value instanceof List<?>) {
      return "array";
    }
    return value.getClass().getSimpleName();
  }

  private static String snippet(String text) {
    return text.length() <= 20 ? text : text.substring(0, 20) + "...";
  }
}
