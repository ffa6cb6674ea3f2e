package dev.shoal.kafka.mapping;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.shoal.engine.json.DocumentJson;
import java.io.IOException;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * Reads a JSON object into the value tree of {@link Values} with a streaming parser: objects become
 * maps, numbers {@code Long}/{@code BigInteger}/{@code Double}, and an array of numbers becomes a
 * {@link NumberArray}, a list backed by a {@code double[]} (an embedding is read without boxing
 * each number). Duplicate keys, trailing content and non-finite numbers are errors.
 *
 * <p>Stateless and thread-safe.
 */
final class JsonReader {
  private JsonReader() {}

  static Map<String, Object> readObject(byte[] json) throws IOException {
    try (JsonParser p = DocumentJson.FACTORY.createParser(json)) {
      return readRoot(p);
    }
  }

  static Map<String, Object> readObject(String json) throws IOException {
    try (JsonParser p = DocumentJson.FACTORY.createParser(json)) {
      return readRoot(p);
    }
  }

  private static Map<String, Object> readRoot(JsonParser p) throws IOException {
    p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    p.configure(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION.mappedFeature(), false);
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IOException("expected a JSON object");
    }
    Map<String, Object> out = readFields(p);
    if (p.nextToken() != null) {
      throw new IOException("unexpected content after the JSON object");
    }
    return out;
  }

  /** The parser is on START_OBJECT; leaves it on the matching END_OBJECT. */
  private static Map<String, Object> readFields(JsonParser p) throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      out.put(name, readValue(p));
    }
    return out;
  }

  private static Object readValue(JsonParser p) throws IOException {
    return switch (p.currentToken()) {
      case START_OBJECT -> readFields(p);
      case START_ARRAY -> readArray(p);
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT ->
          p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
              ? p.getBigIntegerValue()
              : (Object) p.getLongValue();
      case VALUE_NUMBER_FLOAT -> finite(p.getDoubleValue(), p);
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new IOException("unexpected token " + p.currentToken());
    };
  }

  /** The parser is on START_ARRAY; leaves it on END_ARRAY. */
  private static Object readArray(JsonParser p) throws IOException {
    double[] numbers = new double[16];
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      if (n == numbers.length) {
        numbers = Arrays.copyOf(numbers, n * 2);
      }
      numbers[n++] = finite(p.getDoubleValue(), p);
    }
    if (t == JsonToken.END_ARRAY) {
      return new NumberArray(Arrays.copyOf(numbers, n));
    }
    // Not only numbers: fall back to a general list, keeping what was read.
    List<Object> out = new ArrayList<>(n + 8);
    for (int i = 0; i < n; i++) {
      double d = numbers[i];
      out.add(d == Math.rint(d) && Math.abs(d) < 0x1p53 ? (Object) (long) d : (Object) d);
    }
    while (t != JsonToken.END_ARRAY) {
      out.add(readValue(p));
      t = p.nextToken();
    }
    return out;
  }

  private static double finite(double d, JsonParser p) throws IOException {
    if (!Double.isFinite(d)) {
      throw new IOException("number out of range at " + p.currentLocation());
    }
    return d;
  }

  /**
   * An array of JSON numbers, kept as doubles. As a list it shows integral values as {@code Long}
   * (as JSON integers would be) and others as {@code Double}.
   */
  static final class NumberArray extends AbstractList<Object> implements RandomAccess {
    private final double[] values;

    NumberArray(double[] values) {
      this.values = values;
    }

    double[] values() {
      return values;
    }

    @Override
    public Object get(int index) {
      double d = values[index];
      return d == Math.rint(d) && Math.abs(d) < 0x1p53 ? (Object) (long) d : (Object) d;
    }

    @Override
    public int size() {
      return values.length;
    }
  }
}
