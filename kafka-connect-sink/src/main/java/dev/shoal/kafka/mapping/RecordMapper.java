package dev.shoal.kafka.mapping;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.model.SparseVector;
import dev.shoal.kafka.ShoalSinkConfig;
import dev.shoal.kafka.ShoalSinkConfig.CdcFormat;
import dev.shoal.kafka.ShoalSinkConfig.IdSource;
import dev.shoal.kafka.ShoalSinkConfig.WriteMode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Maps a {@link SinkRecord} to the namespace it goes to and the operation it asks for, following
 * the mapping settings of {@link ShoalSinkConfig}. A record that cannot be stored is a {@link
 * RejectedRecordException} naming it; nothing is ever guessed, hashed or silently dropped (records
 * that are skipped on purpose, such as tombstones with {@code shoal.delete.on.null=false}, come
 * back as {@link Mapped.Skip} with the reason).
 *
 * <p>Rules, in short:
 *
 * <ul>
 *   <li>Values: {@link Struct}, schemaless {@link Map}, or JSON text ({@code String} or UTF-8
 *       bytes). A null value is a tombstone.
 *   <li>Ids: see {@link #idText}. Strings as they are, integers in decimal, a struct or map with
 *       exactly one field by that field; anything else (floats, booleans, arrays, multi-field keys)
 *       is rejected.
 *   <li>Vector: an array of numbers; sparse: {@code {indices, values}}; text fields: strings.
 *   <li>Attributes: the other fields (or {@code shoal.attrs.include}), minus {@code
 *       shoal.attrs.exclude} and any field named {@code id}; nested objects become dotted names;
 *       bytes become base64; dates and timestamps become epoch milliseconds; nulls are omitted in
 *       upsert mode and remove the attribute in patch mode.
 * </ul>
 *
 * <p>Thread-safe; its only state is a cache of parsed namespace paths.
 */
public final class RecordMapper {

  /** The outcome of mapping one record. */
  public sealed interface Mapped {
    /** Apply {@code operation} to {@code namespace}. */
    record Write(NamespacePath namespace, SinkOperation operation) implements Mapped {
      public Write {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(operation, "operation is null");
      }
    }

    /** Deliberately not written, for the reason given. */
    record Skip(String reason) implements Mapped {}
  }

  private final NamespaceTemplate template;
  private final IdSource idSource;
  private final String idField;
  private final String vectorField;
  private final String sparseField;
  private final Set<String> textFields;
  private final Set<String> include;
  private final Set<String> exclude;
  private final WriteMode mode;
  private final boolean deleteOnNull;
  private final CdcFormat cdc;
  private final JsonReader.VectorField jsonVector;

  /** Parsed namespaces by expanded template: parsing validates every segment, per record. */
  private final Map<String, NamespacePath> namespaces = new ConcurrentHashMap<>();

  private static final int MAX_CACHED_NAMESPACES = 10_000;

  public RecordMapper(ShoalSinkConfig config) {
    this.template = config.namespaceTemplate();
    this.idSource = config.idSource();
    this.idField = config.idField();
    this.vectorField = config.vectorField();
    this.sparseField = config.sparseField();
    this.textFields = new LinkedHashSet<>(config.textFields());
    this.include = new HashSet<>(config.attrsInclude());
    this.exclude = new HashSet<>(config.attrsExclude());
    this.mode = config.writeMode();
    this.deleteOnNull = config.deleteOnNull();
    this.cdc = config.cdcFormat();
    // Debezium puts the document one level down, in 'after'.
    this.jsonVector = new JsonReader.VectorField(vectorField, cdc == CdcFormat.DEBEZIUM);
  }

  /**
   * Maps one record.
   *
   * @throws RejectedRecordException if the record cannot be stored
   */
  public Mapped map(SinkRecord record) {
    try {
      return doMap(record);
    } catch (Reject r) {
      throw new RejectedRecordException(record, r.getMessage());
    } catch (InvalidRequestException | IllegalArgumentException e) {
      throw new RejectedRecordException(record, e.getMessage(), e);
    }
  }

  private Mapped doMap(SinkRecord record) throws Reject {
    if (record.value() == null) {
      return tombstone(record);
    }
    Map<String, Object> value;
    try {
      value = Values.asObject(record.value(), jsonVector);
    } catch (Values.NotAnObject e) {
      throw new Reject(e.getMessage());
    }
    if (cdc == CdcFormat.DEBEZIUM) {
      return debezium(record, value);
    }
    return write(record, value, value);
  }

  private Mapped tombstone(SinkRecord record) throws Reject {
    if (!deleteOnNull) {
      return new Mapped.Skip("tombstone (shoal.delete.on.null=false)");
    }
    if (idSource == IdSource.KAFKA) {
      return new Mapped.Skip("tombstone, and ids come from Kafka coordinates");
    }
    if (idSource == IdSource.FIELD) {
      return new Mapped.Skip("tombstone, and the id comes from a value field");
    }
    if (template.usesFields()) {
      return new Mapped.Skip("tombstone, and the namespace depends on value fields");
    }
    String id = id(record, null);
    return new Mapped.Write(namespace(record, null), new SinkOperation.Delete(id));
  }

  private Mapped debezium(SinkRecord record, Map<String, Object> envelope) throws Reject {
    Object op = envelope.get("op");
    if (op == null) {
      if (envelope.containsKey("databaseName") || envelope.containsKey("ddl")) {
        return new Mapped.Skip("Debezium schema change event");
      }
      throw new Reject(
          "the value is not a Debezium change event (it has no 'op' field); set"
              + " shoal.cdc.format=none for plain documents");
    }
    switch (op.toString()) {
      case "c", "r", "u" -> {
        Map<String, Object> after = objectField(envelope, "after");
        if (after == null) {
          throw new Reject("Debezium event with op=" + op + " has no 'after' document");
        }
        return write(record, after, after);
      }
      case "d" -> {
        if (idSource == IdSource.KAFKA) {
          return new Mapped.Skip("Debezium delete, and ids come from Kafka coordinates");
        }
        Map<String, Object> before = objectField(envelope, "before");
        if (idSource == IdSource.FIELD && before == null) {
          throw new Reject(
              "Debezium delete has no 'before' row to read the id field '" + idField + "' from");
        }
        String id = id(record, before);
        return new Mapped.Write(namespace(record, before), new SinkOperation.Delete(id));
      }
      case "t" -> {
        return new Mapped.Skip("Debezium truncate event");
      }
      case "m" -> {
        return new Mapped.Skip("Debezium message event");
      }
      default -> throw new Reject("Debezium event has an unknown op '" + op + "'");
    }
  }

  private static Map<String, Object> objectField(Map<String, Object> envelope, String name)
      throws Reject {
    Object v = envelope.get(name);
    if (v == null) {
      return null;
    }
    if (v instanceof Map<?, ?>) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) v;
      return m;
    }
    throw new Reject("Debezium field '" + name + "' is a " + Values.typeName(v) + ", not a row");
  }

  private Mapped write(SinkRecord record, Map<String, Object> fields, Map<String, Object> routing)
      throws Reject {
    String id = id(record, fields);
    NamespacePath ns = namespace(record, routing);
    float[] vector = vectorField.isEmpty() ? null : vector(fields.get(vectorField));
    SparseVector sparse = sparseField.isEmpty() ? null : sparse(fields.get(sparseField));
    boolean patch = mode == WriteMode.PATCH;
    // Most sinks have no text fields: no map to fill (the engine reads an empty one as none).
    Map<String, String> text = textFields.isEmpty() ? Map.of() : new LinkedHashMap<>();
    for (String name : textFields) {
      if (!fields.containsKey(name)) {
        continue;
      }
      Object v = fields.get(name);
      if (v == null) {
        if (patch) {
          text.put(name, null);
        }
        continue;
      }
      if (!(v instanceof String s)) {
        throw new Reject("text field '" + name + "' is a " + Values.typeName(v) + ", not a string");
      }
      text.put(name, s);
    }
    Map<String, Object> attrs = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      String name = e.getKey();
      if (!isAttribute(name)) {
        continue;
      }
      addAttribute(attrs, name, e.getValue(), patch);
    }
    if (patch) {
      return new Mapped.Write(
          ns, new SinkOperation.Patch(new DocumentPatch(id, vector, sparse, text, attrs)));
    }
    return new Mapped.Write(
        ns, new SinkOperation.Upsert(new Document(id, vector, sparse, text, attrs)));
  }

  private boolean isAttribute(String name) {
    if (name.equals("id")
        || name.equals(vectorField)
        || name.equals(sparseField)
        || textFields.contains(name)
        || (idSource == IdSource.FIELD && name.equals(idField))) {
      return false;
    }
    return (include.isEmpty() || include.contains(name)) && !exclude.contains(name);
  }

  private static void addAttribute(
      Map<String, Object> out, String name, Object value, boolean patch) throws Reject {
    if (value == null) {
      if (patch) {
        out.put(name, null);
      }
      return;
    }
    if (value instanceof Map<?, ?> nested) {
      for (Map.Entry<?, ?> e : nested.entrySet()) {
        addAttribute(out, name + "." + e.getKey(), e.getValue(), patch);
      }
      return;
    }
    if (value instanceof List<?> list) {
      Object[] converted = new Object[list.size()];
      for (int i = 0; i < converted.length; i++) {
        Object element = list.get(i);
        if (element instanceof Map<?, ?> || element instanceof List<?>) {
          throw new Reject(
              "attribute '"
                  + name
                  + "' is an array of "
                  + Values.typeName(element)
                  + "s; attributes hold scalars or arrays of scalars");
        }
        converted[i] = scalar(element, name);
      }
      out.put(name, List.of(converted));
      return;
    }
    out.put(name, scalar(value, name));
  }

  private static Object scalar(Object value, String name) throws Reject {
    if (value == null) {
      throw new Reject("attribute '" + name + "' contains a null element");
    }
    if (value instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (value instanceof ByteBuffer buffer) {
      return Base64.getEncoder().encodeToString(Values.toBytes(buffer));
    }
    if (value instanceof Date date) {
      return date.getTime();
    }
    return value;
  }

  // ---------------------------------------------------------------------------------------------
  // Ids and namespaces

  private String id(SinkRecord record, Map<String, Object> fields) throws Reject {
    String id =
        switch (idSource) {
          case KEY -> idText(record.key(), "record key");
          case FIELD -> {
            if (fields == null || !fields.containsKey(idField)) {
              throw new Reject("the id field '" + idField + "' is missing");
            }
            yield idText(fields.get(idField), "id field '" + idField + "'");
          }
          case HEADER -> idText(header(record, idField), "id header '" + idField + "'");
          case KAFKA ->
              record.originalTopic()
                  + "+"
                  + record.originalKafkaPartition()
                  + "+"
                  + record.originalKafkaOffset();
        };
    try {
      return Document.validateId(id);
    } catch (InvalidRequestException e) {
      throw new Reject(
          "the document id from the "
              + describeIdSource()
              + " is invalid: "
              + e.getMessage().replaceFirst("^Invalid document: ", ""));
    }
  }

  private String describeIdSource() {
    return switch (idSource) {
      case KEY -> "record key";
      case FIELD -> "field '" + idField + "'";
      case HEADER -> "header '" + idField + "'";
      case KAFKA -> "Kafka coordinates";
    };
  }

  private static Object header(SinkRecord record, String name) throws Reject {
    Header h = record.headers().lastWithName(name);
    if (h == null) {
      throw new Reject("the header '" + name + "' is missing");
    }
    return h.value();
  }

  /**
   * The text of an id or of a {@code ${key}}, {@code ${field}}, {@code ${header}} placeholder: a
   * string as it is, an integer in decimal, UTF-8 bytes decoded, or the single field of a struct or
   * map. Everything else is rejected rather than guessed.
   */
  static String idText(Object value, String what) throws Reject {
    if (value == null) {
      throw new Reject("the " + what + " is null");
    }
    if (value instanceof String s) {
      if (s.isEmpty()) {
        throw new Reject("the " + what + " is empty");
      }
      return s;
    }
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger) {
      return value.toString();
    }
    if (value instanceof BigDecimal d) {
      try {
        return d.toBigIntegerExact().toString();
      } catch (ArithmeticException e) {
        throw new Reject("the " + what + " is a decimal with a fraction (" + d + ")");
      }
    }
    if (value instanceof byte[] || value instanceof ByteBuffer) {
      byte[] bytes = value instanceof byte[] b ? b : Values.toBytes((ByteBuffer) value);
      try {
        return idText(Values.utf8(bytes, what), what);
      } catch (Values.NotAnObject e) {
        throw new Reject(e.getMessage());
      }
    }
    if (value instanceof Struct || value instanceof Map<?, ?>) {
      Map<String, Object> fields = value instanceof Struct s ? Values.structToMap(s) : null;
      if (fields == null) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) value;
        fields = m;
      }
      if (fields.size() != 1) {
        throw new Reject(
            "the "
                + what
                + " has "
                + fields.size()
                + " fields "
                + fields.keySet()
                + "; only a single-field key can be an id (or set shoal.id.source=field)");
      }
      Map.Entry<String, Object> only = fields.entrySet().iterator().next();
      Object inner = only.getValue();
      if (inner instanceof Struct || inner instanceof Map<?, ?>) {
        throw new Reject("the " + what + "'s field '" + only.getKey() + "' is not a scalar");
      }
      return idText(inner, what + "'s field '" + only.getKey() + "'");
    }
    throw new Reject(
        "the "
            + what
            + " is a "
            + Values.typeName(value)
            + " ("
            + value
            + "); ids must be strings, integers or UTF-8 bytes");
  }

  private NamespacePath namespace(SinkRecord record, Map<String, Object> fields) throws Reject {
    String path;
    try {
      path = template.expand(p -> placeholderText(record, fields, p));
    } catch (UncheckedReject e) {
      throw e.reject;
    }
    NamespacePath cached = namespaces.get(path);
    if (cached != null) {
      return cached;
    }
    try {
      NamespacePath ns = NamespacePath.parse(path);
      if (namespaces.size() >= MAX_CACHED_NAMESPACES) {
        namespaces.clear(); // a template of ${key} can expand to any number of paths
      }
      namespaces.put(path, ns);
      return ns;
    } catch (InvalidRequestException e) {
      throw new Reject(
          "the namespace template '"
              + template
              + "' gives an invalid namespace: "
              + e.getMessage());
    }
  }

  private String placeholderText(
      SinkRecord record, Map<String, Object> fields, NamespaceTemplate.Part part) {
    try {
      if (part instanceof NamespaceTemplate.Topic) {
        return record.topic();
      }
      if (part instanceof NamespaceTemplate.Key) {
        return idText(record.key(), "record key (for ${key})");
      }
      if (part instanceof NamespaceTemplate.Field f) {
        if (fields == null || !fields.containsKey(f.name())) {
          throw new Reject("the field '" + f.name() + "' for ${field:" + f.name() + "} is missing");
        }
        return idText(fields.get(f.name()), "field '" + f.name() + "' (for the namespace)");
      }
      if (part instanceof NamespaceTemplate.Header h) {
        return idText(header(record, h.name()), "header '" + h.name() + "' (for the namespace)");
      }
      throw new IllegalStateException("unexpected template part " + part);
    } catch (Reject r) {
      throw new UncheckedReject(r);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Vectors

  private float[] vector(Object value) throws Reject {
    if (value == null) {
      return null;
    }
    if (value instanceof JsonReader.FloatArray floats) {
      if (floats.size() == 0) {
        throw new Reject("vector field '" + vectorField + "' is an empty array");
      }
      return floats.values(); // finite float32 values, read for this record alone
    }
    if (value instanceof JsonReader.NumberArray numbers) {
      double[] d = numbers.values();
      if (d.length == 0) {
        throw new Reject("vector field '" + vectorField + "' is an empty array");
      }
      float[] out = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        out[i] = (float) d[i];
        if (!Float.isFinite(out[i])) {
          throw new Reject(
              "vector field '"
                  + vectorField
                  + "' has a non-finite value at position "
                  + i
                  + ": "
                  + d[i]);
        }
      }
      return out;
    }
    if (value instanceof List<?> list) {
      float[] out = new float[list.size()];
      for (int i = 0; i < out.length; i++) {
        Object v = list.get(i);
        if (!(v instanceof Number n)) {
          throw new Reject(
              "vector field '"
                  + vectorField
                  + "' has a "
                  + Values.typeName(v)
                  + " at position "
                  + i
                  + "; expected numbers");
        }
        float f = n.floatValue();
        if (!Float.isFinite(f)) {
          throw new Reject(
              "vector field '"
                  + vectorField
                  + "' has a non-finite value at position "
                  + i
                  + ": "
                  + n);
        }
        out[i] = f;
      }
      if (out.length == 0) {
        throw new Reject("vector field '" + vectorField + "' is an empty array");
      }
      return out;
    }
    if (value instanceof float[] f) {
      return f.clone();
    }
    if (value instanceof double[] d) {
      float[] out = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        out[i] = (float) d[i];
      }
      return out;
    }
    if (value instanceof String text) {
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw new Reject(
            "vector field '"
                + vectorField
                + "' is a string but not base64 of little-endian float32 values: "
                + e.getMessage());
      }
      return float32(bytes, "base64 string");
    }
    if (value instanceof byte[] bytes) {
      return float32(bytes, "byte array");
    }
    throw new Reject(
        "vector field '"
            + vectorField
            + "' is a "
            + Values.typeName(value)
            + "; expected an array of numbers, or base64 or bytes of little-endian float32");
  }

  /** Little-endian IEEE float32 values, as OpenAI's encoding_format=base64 and NumPy write. */
  private float[] float32(byte[] bytes, String what) throws Reject {
    if (bytes.length == 0 || bytes.length % 4 != 0) {
      throw new Reject(
          "vector field '"
              + vectorField
              + "' is a "
              + what
              + " of "
              + bytes.length
              + " bytes; float32 vectors need a positive multiple of 4");
    }
    float[] out = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    for (int i = 0; i < out.length; i++) {
      if (!Float.isFinite(out[i])) {
        throw new Reject(
            "vector field '" + vectorField + "' has a non-finite value at position " + i);
      }
    }
    return out;
  }

  private SparseVector sparse(Object value) throws Reject {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?> m)) {
      throw new Reject(
          "sparse vector field '"
              + sparseField
              + "' is a "
              + Values.typeName(value)
              + "; expected {\"indices\": [...], \"values\": [...]}");
    }
    Object indices = m.get("indices");
    Object values = m.get("values");
    if (!(indices instanceof List<?> il) || !(values instanceof List<?> vl)) {
      throw new Reject(
          "sparse vector field '" + sparseField + "' needs arrays 'indices' and 'values'");
    }
    int[] idx = new int[il.size()];
    float[] val = new float[vl.size()];
    for (int i = 0; i < idx.length; i++) {
      Object v = il.get(i);
      if (!(v instanceof Number n)
          || v instanceof Double
          || v instanceof Float
          || n.longValue() < 0
          || n.longValue() > Integer.MAX_VALUE) {
        throw new Reject(
            "sparse vector field '"
                + sparseField
                + "' has an invalid index at position "
                + i
                + ": "
                + v);
      }
      idx[i] = n.intValue();
    }
    for (int i = 0; i < val.length; i++) {
      Object v = vl.get(i);
      if (!(v instanceof Number n)) {
        throw new Reject(
            "sparse vector field '"
                + sparseField
                + "' has a "
                + Values.typeName(v)
                + " value at position "
                + i);
      }
      val[i] = n.floatValue();
    }
    try {
      return SparseVector.of(idx, val);
    } catch (IllegalArgumentException e) {
      throw new Reject("sparse vector field '" + sparseField + "' is invalid: " + e.getMessage());
    }
  }

  /** A per-record problem, before the record's coordinates are added. */
  static final class Reject extends Exception {
    private static final long serialVersionUID = 1L;

    Reject(String message) {
      super(message, null, false, false);
    }
  }

  private static final class UncheckedReject extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final Reject reject;

    UncheckedReject(Reject reject) {
      super(reject.getMessage(), null, false, false);
      this.reject = reject;
    }
  }
}
