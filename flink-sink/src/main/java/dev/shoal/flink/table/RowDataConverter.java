package dev.shoal.flink.table;

import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.SparseVector;
import dev.shoal.flink.ShoalConverter;
import dev.shoal.flink.ShoalWrite;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.RowType;

/**
 * Turns table rows into changes: INSERT and UPDATE_AFTER upsert the row as a document, DELETE
 * deletes its id, UPDATE_BEFORE is ignored (the UPDATE_AFTER that follows replaces the document).
 *
 * <p>The id column may be any character or integer type; the vector column {@code ARRAY<FLOAT>} or
 * {@code ARRAY<DOUBLE>}; the sparse column {@code ROW<indices ARRAY<INT>, values ARRAY<FLOAT>>} or
 * {@code MAP<INT, FLOAT>}; text columns strings. Every other column becomes an attribute: strings,
 * booleans, integers, floating point and decimals, dates and times (as ISO-8601 strings) and arrays
 * of those; a NULL column is left out.
 */
final class RowDataConverter implements ShoalConverter<RowData> {
  private static final long serialVersionUID = 1L;

  /** How one column is read. */
  private enum Role {
    ID,
    VECTOR,
    SPARSE,
    TEXT,
    ATTRIBUTE
  }

  private final String[] names;
  private final LogicalType[] types;
  private final Role[] roles;
  private final int idIndex;

  RowDataConverter(
      RowType rowType,
      String idField,
      String vectorField,
      String sparseField,
      Set<String> textFields) {
    List<String> fieldNames = rowType.getFieldNames();
    int n = fieldNames.size();
    this.names = fieldNames.toArray(new String[0]);
    this.types = new LogicalType[n];
    this.roles = new Role[n];
    int id = -1;
    for (int i = 0; i < n; i++) {
      types[i] = rowType.getTypeAt(i);
      String name = names[i];
      if (name.equals(idField)) {
        checkId(types[i], name);
        roles[i] = Role.ID;
        id = i;
      } else if (name.equals(vectorField)) {
        checkVector(types[i], name);
        roles[i] = Role.VECTOR;
      } else if (name.equals(sparseField)) {
        checkSparse(types[i], name);
        roles[i] = Role.SPARSE;
      } else if (textFields.contains(name)) {
        if (!isString(types[i])) {
          throw new IllegalArgumentException(
              "Invalid text.fields: column " + name + " is " + types[i] + ", not a string");
        }
        roles[i] = Role.TEXT;
      } else {
        checkAttribute(types[i], name);
        roles[i] = Role.ATTRIBUTE;
      }
    }
    if (id < 0) {
      throw new IllegalArgumentException(
          "Invalid id.field: the table has no column "
              + idField
              + " (columns: "
              + fieldNames
              + ")");
    }
    this.idIndex = id;
  }

  @Override
  public ShoalWrite convert(RowData row) {
    switch (row.getRowKind()) {
      case UPDATE_BEFORE:
        return null;
      case DELETE:
        return ShoalWrite.delete(id(row));
      default:
        return ShoalWrite.upsert(document(row));
    }
  }

  private String id(RowData row) {
    if (row.isNullAt(idIndex)) {
      // The writer adds the row's text to the message; the kind tells which change it was.
      throw new InvalidRequestException(
          "the id column " + names[idIndex] + " is NULL in a " + row.getRowKind() + " row");
    }
    LogicalType type = types[idIndex];
    if (isString(type)) {
      return row.getString(idIndex).toString();
    }
    switch (type.getTypeRoot()) {
      case TINYINT:
        return Byte.toString(row.getByte(idIndex));
      case SMALLINT:
        return Short.toString(row.getShort(idIndex));
      case INTEGER:
        return Integer.toString(row.getInt(idIndex));
      default:
        return Long.toString(row.getLong(idIndex));
    }
  }

  private Document document(RowData row) {
    String id = id(row);
    float[] vector = null;
    SparseVector sparse = null;
    Map<String, String> text = new HashMap<>();
    Map<String, Object> attrs = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      if (roles[i] == Role.ID || row.isNullAt(i)) {
        continue;
      }
      switch (roles[i]) {
        case VECTOR:
          vector = floats(row.getArray(i), ((ArrayType) types[i]).getElementType(), names[i], id);
          break;
        case SPARSE:
          sparse = sparse(row, i, id);
          break;
        case TEXT:
          text.put(names[i], row.getString(i).toString());
          break;
        default:
          attrs.put(names[i], value(row, i, types[i]));
      }
    }
    return new Document(id, vector, sparse, text, attrs);
  }

  private SparseVector sparse(RowData row, int i, String id) {
    if (types[i] instanceof MapType) {
      MapData map = row.getMap(i);
      ArrayData keys = map.keyArray();
      int[] indices = new int[map.size()];
      for (int k = 0; k < indices.length; k++) {
        indices[k] = keys.getInt(k);
      }
      return SparseVector.of(
          indices, floats(map.valueArray(), ((MapType) types[i]).getValueType(), names[i], id));
    }
    RowData pair = row.getRow(i, 2);
    if (pair.isNullAt(0) || pair.isNullAt(1)) {
      throw new InvalidRequestException(
          "the sparse column " + names[i] + " of id " + id + " has NULL indices or values");
    }
    ArrayData indexArray = pair.getArray(0);
    int[] indices = new int[indexArray.size()];
    for (int k = 0; k < indices.length; k++) {
      if (indexArray.isNullAt(k)) {
        throw new InvalidRequestException(
            "the sparse column " + names[i] + " of id " + id + " has a NULL index");
      }
      indices[k] = indexArray.getInt(k);
    }
    LogicalType values = ((ArrayType) ((RowType) types[i]).getTypeAt(1)).getElementType();
    return SparseVector.of(indices, floats(pair.getArray(1), values, names[i], id));
  }

  private static float[] floats(ArrayData array, LogicalType element, String column, String id) {
    boolean doubles = element.getTypeRoot() == LogicalTypeRoot.DOUBLE;
    float[] out = new float[array.size()];
    for (int k = 0; k < out.length; k++) {
      if (array.isNullAt(k)) {
        throw new InvalidRequestException(
            "the column " + column + " of id " + id + " has a NULL element at position " + k);
      }
      out[k] = doubles ? (float) array.getDouble(k) : array.getFloat(k);
    }
    return out;
  }

  private static Object value(RowData row, int i, LogicalType type) {
    switch (type.getTypeRoot()) {
      case CHAR:
      case VARCHAR:
        return row.getString(i).toString();
      case BOOLEAN:
        return row.getBoolean(i);
      case TINYINT:
        return (long) row.getByte(i);
      case SMALLINT:
        return (long) row.getShort(i);
      case INTEGER:
        return (long) row.getInt(i);
      case BIGINT:
        return row.getLong(i);
      case FLOAT:
        return (double) row.getFloat(i);
      case DOUBLE:
        return row.getDouble(i);
      case DECIMAL:
        {
          org.apache.flink.table.types.logical.DecimalType d =
              (org.apache.flink.table.types.logical.DecimalType) type;
          DecimalData decimal = row.getDecimal(i, d.getPrecision(), d.getScale());
          return decimal.toBigDecimal().doubleValue();
        }
      case DATE:
        return java.time.LocalDate.ofEpochDay(row.getInt(i)).toString();
      case TIMESTAMP_WITHOUT_TIME_ZONE:
      case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
        {
          TimestampData ts = row.getTimestamp(i, precision(type));
          return type.getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE
              ? ts.toLocalDateTime().toString()
              : ts.toInstant().toString();
        }
      case ARRAY:
        {
          ArrayData array = row.getArray(i);
          LogicalType element = ((ArrayType) type).getElementType();
          ArrayData.ElementGetter getter = ArrayData.createElementGetter(element);
          List<Object> out = new ArrayList<>(array.size());
          for (int k = 0; k < array.size(); k++) {
            Object v = getter.getElementOrNull(array, k);
            out.add(v == null ? null : element(v));
          }
          return out;
        }
      default:
        throw new IllegalStateException("unreachable: " + type);
    }
  }

  private static Object element(Object v) {
    if (v instanceof StringData s) {
      return s.toString();
    }
    if (v instanceof Byte || v instanceof Short || v instanceof Integer) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    if (v instanceof DecimalData d) {
      return d.toBigDecimal().doubleValue();
    }
    return v;
  }

  private static int precision(LogicalType type) {
    return type instanceof org.apache.flink.table.types.logical.TimestampType t
        ? t.getPrecision()
        : ((org.apache.flink.table.types.logical.LocalZonedTimestampType) type).getPrecision();
  }

  private static boolean isString(LogicalType type) {
    return type.getTypeRoot() == LogicalTypeRoot.CHAR
        || type.getTypeRoot() == LogicalTypeRoot.VARCHAR;
  }

  private static void checkId(LogicalType type, String name) {
    switch (type.getTypeRoot()) {
      case CHAR:
      case VARCHAR:
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
        return;
      default:
        throw new IllegalArgumentException(
            "Invalid id.field: column " + name + " is " + type + "; expected a string or integer");
    }
  }

  private static void checkVector(LogicalType type, String name) {
    if (!(type instanceof ArrayType a) || !isFloating(a.getElementType())) {
      throw new IllegalArgumentException(
          "Invalid vector.field: column " + name + " is " + type + "; expected ARRAY<FLOAT>");
    }
  }

  private static void checkSparse(LogicalType type, String name) {
    if (type instanceof MapType m
        && m.getKeyType().getTypeRoot() == LogicalTypeRoot.INTEGER
        && isFloating(m.getValueType())) {
      return;
    }
    if (type instanceof RowType r
        && r.getFieldCount() == 2
        && r.getTypeAt(0) instanceof ArrayType ia
        && ia.getElementType().getTypeRoot() == LogicalTypeRoot.INTEGER
        && r.getTypeAt(1) instanceof ArrayType va
        && isFloating(va.getElementType())) {
      return;
    }
    throw new IllegalArgumentException(
        "Invalid sparse.field: column "
            + name
            + " is "
            + type
            + "; expected ROW<indices ARRAY<INT>, values ARRAY<FLOAT>> or MAP<INT, FLOAT>");
  }

  private static boolean isFloating(LogicalType type) {
    return type.getTypeRoot() == LogicalTypeRoot.FLOAT
        || type.getTypeRoot() == LogicalTypeRoot.DOUBLE;
  }

  private static void checkAttribute(LogicalType type, String name) {
    if (type instanceof ArrayType a) {
      if (isScalar(a.getElementType())) {
        return;
      }
    } else if (isScalar(type)) {
      return;
    }
    throw new IllegalArgumentException(
        "Cannot use column "
            + name
            + " of type "
            + type
            + " as an attribute: attributes are strings, booleans, numbers, dates, timestamps or"
            + " arrays of those (name it in vector.field, sparse.field or text.fields, or leave it"
            + " out of the table)");
  }

  private static boolean isScalar(LogicalType type) {
    switch (type.getTypeRoot()) {
      case CHAR:
      case VARCHAR:
      case BOOLEAN:
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
      case FLOAT:
      case DOUBLE:
      case DECIMAL:
      case DATE:
      case TIMESTAMP_WITHOUT_TIME_ZONE:
      case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
        return true;
      default:
        return false;
    }
  }
}
