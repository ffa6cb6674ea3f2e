package dev.shoal.engine.model;

import dev.shoal.engine.InvalidRequestException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Rules and normal forms for attribute and text field names and attribute values.
 *
 * <p>An attribute value is a JSON scalar or an array of scalars, held as {@link String}, {@link
 * Long} (every integral number that fits), {@link Double} (finite), {@link Boolean}, or an
 * unmodifiable {@link List} of those. Normalizing once at the edge lets filters, codecs and
 * equality work on four types only.
 */
public final class Attributes {
  public static final int MAX_NAME_LENGTH = 128;

  private Attributes() {}

  /**
   * Checks an attribute or text field name: 1 to 128 characters, no control characters, not
   * starting with {@code $} (reserved for operators such as {@code $text}).
   *
   * @param kind "attribute" or "text field", for messages
   */
  public static String validateName(String name, String kind, String docId) {
    if (name == null || name.isEmpty()) {
      throw invalid(docId, kind + " name is empty");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw invalid(docId, kind + " name longer than " + MAX_NAME_LENGTH + " characters: " + name);
    }
    if (name.charAt(0) == '$') {
      throw invalid(docId, kind + " name must not start with '$': " + name);
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c)) {
        throw invalid(docId, kind + " name contains a control or unpaired surrogate character");
      }
    }
    return name;
  }

  /**
   * Checks and normalizes a map of attributes into a sorted unmodifiable map.
   *
   * @throws InvalidRequestException naming the document and attribute
   */
  public static SortedMap<String, Object> normalize(Map<String, ?> attrs, String docId) {
    if (attrs == null || attrs.isEmpty()) {
      return Collections.emptySortedMap();
    }
    TreeMap<String, Object> out = new TreeMap<>();
    for (Map.Entry<String, ?> e : attrs.entrySet()) {
      String name = validateName(e.getKey(), "attribute", docId);
      if (name.equals("id")) {
        throw invalid(docId, "attribute name \"id\" is reserved for the document id");
      }
      if (e.getValue() == null) {
        throw invalid(docId, "attribute " + name + " is null (omit it instead)");
      }
      out.put(name, normalizeValue(e.getValue(), name, docId));
    }
    return Collections.unmodifiableSortedMap(out);
  }

  /** Normalizes one attribute value; see the class comment for the accepted forms. */
  public static Object normalizeValue(Object value, String name, String docId) {
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object element : list) {
        if (element == null) {
          throw invalid(docId, "attribute " + name + " contains a null element");
        }
        if (element instanceof List<?> || element instanceof Map<?, ?>) {
          throw invalid(
              docId, "attribute " + name + " is a nested array or object; only scalars allowed");
        }
        out.add(normalizeScalar(element, name, docId));
      }
      return Collections.unmodifiableList(out);
    }
    if (value instanceof Object[] array) {
      return normalizeValue(List.of(array), name, docId);
    }
    return normalizeScalar(value, name, docId);
  }

  private static Object normalizeScalar(Object value, String name, String docId) {
    if (value instanceof String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
          if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            i++;
            continue;
          }
          throw invalid(docId, "attribute " + name + " has an unpaired surrogate character");
        } else if (Character.isLowSurrogate(c)) {
          throw invalid(docId, "attribute " + name + " has an unpaired surrogate character");
        }
      }
      return s;
    }
    if (value instanceof Boolean) {
      return value;
    }
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d)) {
        throw invalid(docId, "attribute " + name + " is not a finite number: " + d);
      }
      return d;
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < 64 ? (Object) big.longValue() : toFiniteDouble(big, name, docId);
    }
    if (value instanceof BigDecimal dec) {
      try {
        return dec.longValueExact();
      } catch (ArithmeticException notIntegral) {
        return toFiniteDouble(dec, name, docId);
      }
    }
    if (value instanceof Map<?, ?>) {
      throw invalid(docId, "attribute " + name + " is an object; only scalars and arrays allowed");
    }
    throw invalid(
        docId, "attribute " + name + " has unsupported type " + value.getClass().getSimpleName());
  }

  private static Object toFiniteDouble(Number n, String name, String docId) {
    double d = n.doubleValue();
    if (!Double.isFinite(d)) {
      throw invalid(docId, "attribute " + name + " is out of the double range: " + n);
    }
    return d;
  }

  static InvalidRequestException invalid(String docId, String reason) {
    return new InvalidRequestException(
        "Invalid document" + (docId == null ? "" : " \"" + docId + "\"") + ": " + reason);
  }
}
