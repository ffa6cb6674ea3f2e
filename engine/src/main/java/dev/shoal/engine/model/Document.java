package dev.shoal.engine.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One document of a namespace: an id plus any of a dense vector, a sparse vector, full-text fields
 * and attributes. The constructor checks everything (see {@link #MAX_ID_BYTES}, {@link
 * #MAX_DIMENSION}, {@link Attributes}) and throws {@link dev.shoal.engine.InvalidRequestException}
 * naming the document; maps are copied into sorted unmodifiable maps.
 *
 * <p>The vector array is not copied, for ingest speed: do not modify it after handing it over.
 *
 * @param id non-empty, at most 256 bytes of UTF-8
 * @param vector the dense vector, or null; finite values, 1 to 16,384 dimensions
 * @param sparse the sparse vector, or null
 * @param text full-text fields by name; null is read as empty; kept sorted by name
 * @param attrs attributes by name (see {@link Attributes}); null is read as empty; kept sorted
 */
public record Document(
    String id,
    float[] vector,
    SparseVector sparse,
    Map<String, String> text,
    Map<String, Object> attrs) {

  public static final int MAX_ID_BYTES = 256;
  public static final int MAX_DIMENSION = 16_384;

  public Document {
    validateId(id);
    if (vector != null) {
      validateVector(vector, id);
    }
    text = normalizeText(text, id);
    attrs = Attributes.normalize(attrs, id);
  }

  /** A document with only an id and attributes. */
  public static Document of(String id, Map<String, ?> attrs) {
    return new Document(id, null, null, Map.of(), readOnly(attrs));
  }

  /** A document with an id, a vector and attributes. */
  public static Document of(String id, float[] vector, Map<String, ?> attrs) {
    return new Document(id, vector, null, Map.of(), readOnly(attrs));
  }

  // Safe: the map is only read, and the constructor copies it.
  @SuppressWarnings("unchecked")
  private static Map<String, Object> readOnly(Map<String, ?> attrs) {
    return (Map<String, Object>) attrs;
  }

  /** Checks a document id: non-empty, at most 256 bytes of UTF-8, no unpaired surrogates. */
  public static String validateId(String id) {
    if (id == null || id.isEmpty()) {
      throw Attributes.invalid(null, "id is missing or empty");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < id.length()
          && Character.isLowSurrogate(id.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw Attributes.invalid(null, "id contains an unpaired surrogate character");
      }
    }
    if (id.length() > MAX_ID_BYTES / 3 + 1
        && id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
      throw Attributes.invalid(
          null,
          "id is longer than "
              + MAX_ID_BYTES
              + " bytes of UTF-8: \""
              + id.substring(0, 40)
              + "...\"");
    }
    return id;
  }

  /** Checks a dense vector's size and values. */
  public static void validateVector(float[] vector, String id) {
    if (vector.length == 0 || vector.length > MAX_DIMENSION) {
      throw Attributes.invalid(
          id,
          "vector has " + vector.length + " dimensions; 1 to " + MAX_DIMENSION + " are allowed");
    }
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw Attributes.invalid(
            id, "vector value at position " + i + " is not a finite number: " + vector[i]);
      }
    }
  }

  static Map<String, String> normalizeText(Map<String, String> text, String id) {
    if (text == null || text.isEmpty()) {
      return Collections.emptySortedMap();
    }
    TreeMap<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : text.entrySet()) {
      Attributes.validateName(e.getKey(), "text field", id);
      if (e.getValue() == null) {
        throw Attributes.invalid(id, "text field " + e.getKey() + " is null (omit it instead)");
      }
      out.put(e.getKey(), e.getValue());
    }
    return Collections.unmodifiableSortedMap(out);
  }

  /** The vector's dimension, or 0 without a vector. */
  public int dimension() {
    return vector == null ? 0 : vector.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Document d
        && id.equals(d.id)
        && Arrays.equals(vector, d.vector)
        && Objects.equals(sparse, d.sparse)
        && text.equals(d.text)
        && attrs.equals(d.attrs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, Arrays.hashCode(vector), sparse, text, attrs);
  }

  @Override
  public String toString() {
    return "Document{id="
        + id
        + (vector == null ? "" : ", vector[" + vector.length + "]")
        + (sparse == null ? "" : ", sparse[" + sparse.size() + "]")
        + (text.isEmpty() ? "" : ", text=" + text.keySet())
        + (attrs.isEmpty() ? "" : ", attrs=" + attrs)
        + "}";
  }
}
