package dev.shoal.kafka.mapping;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
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
 * {@link NumberArray}, a list backed by a {@code double[]} (read without boxing each number). The
 * array of the vector field is read straight into a {@link FloatArray} instead: each number parsed
 * as a double, as everywhere else, then narrowed to float32; a base64 string in the vector field
 * (little-endian float32) is decoded into one too. Duplicate keys, trailing content and non-finite
 * numbers are errors.
 *
 * <p>Stateless and thread-safe (each thread keeps its own scratch buffers).
 */
final class JsonReader {
  /**
   * The sink's own parser factory: the engine's limits, plus Jackson's fast double parser (reading
   * 128 numbers per record is most of the cost of JSON vectors; its results are the same correctly
   * rounded doubles).
   */
  static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(64)
                  .maxNumberLength(400)
                  .maxStringLength(64 << 20)
                  .build())
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .build();

  /** Scratch buffers above this many numbers are not kept between records. */
  private static final int MAX_KEPT_SCRATCH = 1 << 16;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** Per-thread buffers an array is read into before it is copied out at its exact size. */
  private static final class Scratch {
    double[] doubles = new double[256];
    float[] floats = new float[256];
    byte[] bytes = new byte[1024];
  }

  private JsonReader() {}

  /** What to read as a vector: fields named {@code field} at the top level, and maybe below. */
  record VectorField(String field, boolean alsoInNestedObjects) {
    static final VectorField NONE = new VectorField("", false);

    boolean matches(String name, int depth) {
      return !field.isEmpty() && field.equals(name) && (depth == 0 || alsoInNestedObjects);
    }
  }

  static Map<String, Object> readObject(byte[] json) throws IOException {
    return readObject(json, VectorField.NONE);
  }

  static Map<String, Object> readObject(String json) throws IOException {
    return readObject(json, VectorField.NONE);
  }

  /**
   * @param vector fields to read as {@link FloatArray}s: top-level ones, and with {@code
   *     alsoInNestedObjects} those of objects one level down (Debezium's {@code after})
   */
  static Map<String, Object> readObject(byte[] json, VectorField vector) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      return readRoot(p, vector);
    }
  }

  static Map<String, Object> readObject(String json, VectorField vector) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      return readRoot(p, vector);
    }
  }

  private static Map<String, Object> readRoot(JsonParser p, VectorField vector) throws IOException {
    p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    p.configure(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION.mappedFeature(), false);
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IOException("expected a JSON object");
    }
    Map<String, Object> out = readFields(p, vector, 0);
    if (p.nextToken() != null) {
      throw new IOException("unexpected content after the JSON object");
    }
    return out;
  }

  /** The parser is on START_OBJECT; leaves it on the matching END_OBJECT. */
  private static Map<String, Object> readFields(JsonParser p, VectorField vector, int depth)
      throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_ARRAY && depth <= 1 && vector.matches(name, depth)) {
        out.put(name, readVector(p));
      } else if (t == JsonToken.VALUE_STRING && depth <= 1 && vector.matches(name, depth)) {
        out.put(name, readBase64Vector(p));
      } else {
        out.put(name, readValue(p, vector, depth));
      }
    }
    return out;
  }

  private static Object readValue(JsonParser p, VectorField vector, int depth) throws IOException {
    return switch (p.currentToken()) {
      case START_OBJECT -> readFields(p, vector, depth + 1);
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

  /**
   * The parser is on START_ARRAY of a vector field; leaves it on END_ARRAY. Numbers go straight
   * into a float scratch buffer. Anything the mapper must reject (an element that is not a number,
   * a value beyond float32's range) falls back to {@link #readArray}'s forms, so the rejection
   * names it as before.
   */
  private static Object readVector(JsonParser p) throws IOException {
    Scratch scratch = SCRATCH.get();
    float[] floats = scratch.floats;
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      double d = finite(p.getDoubleValue(), p);
      float f = (float) d;
      if (!Float.isFinite(f)) {
        double[] doubles = new double[n + 1];
        for (int i = 0; i < n; i++) {
          doubles[i] = floats[i];
        }
        doubles[n] = d;
        return continueArray(p, doubles, n + 1);
      }
      if (n == floats.length) {
        floats = Arrays.copyOf(floats, n * 2);
        if (floats.length <= MAX_KEPT_SCRATCH) {
          scratch.floats = floats;
        }
      }
      floats[n++] = f;
    }
    if (t == JsonToken.END_ARRAY) {
      return new FloatArray(Arrays.copyOf(floats, n));
    }
    double[] doubles = new double[n];
    for (int i = 0; i < n; i++) {
      doubles[i] = floats[i];
    }
    return generalList(p, doubles, n, t);
  }

  /**
   * The parser is on the string of a vector field: base64 of little-endian float32, decoded from
   * the parser's own characters into a {@link FloatArray}, without the string, byte array and
   * buffer views the general path makes (a 128-dimensional vector is 684 characters). Anything that
   * path would reject or read differently (see {@link Base64Floats#decode}) comes back as the
   * string, so the mapper rejects it with the same message as before.
   */
  private static Object readBase64Vector(JsonParser p) throws IOException {
    char[] chars = p.getTextCharacters();
    int offset = p.getTextOffset();
    int length = p.getTextLength();
    int bytes = Base64Floats.decodedLength(chars, offset, length);
    if (bytes > 0) {
      Scratch scratch = SCRATCH.get();
      byte[] buffer = scratch.bytes;
      if (bytes > buffer.length) {
        buffer = new byte[bytes];
        if (bytes <= 4 * MAX_KEPT_SCRATCH) {
          scratch.bytes = buffer;
        }
      }
      float[] floats = Base64Floats.decode(chars, offset, length, buffer);
      if (floats != null) {
        return new FloatArray(floats);
      }
    }
    return p.getText();
  }

  /** The parser is on START_ARRAY; leaves it on END_ARRAY. */
  private static Object readArray(JsonParser p) throws IOException {
    Scratch scratch = SCRATCH.get();
    double[] numbers = scratch.doubles;
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      if (n == numbers.length) {
        numbers = Arrays.copyOf(numbers, n * 2);
        if (numbers.length <= MAX_KEPT_SCRATCH) {
          scratch.doubles = numbers;
        }
      }
      numbers[n++] = finite(p.getDoubleValue(), p);
    }
    if (t == JsonToken.END_ARRAY) {
      return new NumberArray(Arrays.copyOf(numbers, n));
    }
    return generalList(p, numbers, n, t);
  }

  /** Goes on reading numbers into {@code numbers} (owned, not scratch) after {@code n} of them. */
  private static Object continueArray(JsonParser p, double[] numbers, int n) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      if (n == numbers.length) {
        numbers = Arrays.copyOf(numbers, Math.max(16, n * 2));
      }
      numbers[n++] = finite(p.getDoubleValue(), p);
    }
    if (t == JsonToken.END_ARRAY) {
      return new NumberArray(Arrays.copyOf(numbers, n));
    }
    return generalList(p, numbers, n, t);
  }

  /**
   * An array that is not only numbers: a general list of the {@code n} numbers read so far and the
   * rest; the parser is on the first element that is not a number, {@code t}.
   */
  private static Object generalList(JsonParser p, double[] numbers, int n, JsonToken t)
      throws IOException {
    List<Object> out = new ArrayList<>(n + 8);
    for (int i = 0; i < n; i++) {
      out.add(boxed(numbers[i]));
    }
    while (t != JsonToken.END_ARRAY) {
      out.add(readValue(p, VectorField.NONE, 1));
      t = p.nextToken();
    }
    return out;
  }

  private static Object boxed(double d) {
    return d == Math.rint(d) && Math.abs(d) < 0x1p53 ? (Object) (long) d : (Object) d;
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
      return boxed(values[index]);
    }

    @Override
    public int size() {
      return values.length;
    }
  }

  /**
   * The numbers of a vector field, each parsed as a double and narrowed to a finite float32. As a
   * list it shows them like {@link NumberArray} does.
   */
  static final class FloatArray extends AbstractList<Object> implements RandomAccess {
    private final float[] values;

    FloatArray(float[] values) {
      this.values = values;
    }

    /** The values; owned by this array, not copied. */
    float[] values() {
      return values;
    }

    @Override
    public Object get(int index) {
      return boxed(values[index]);
    }

    @Override
    public int size() {
      return values.length;
    }
  }
}
