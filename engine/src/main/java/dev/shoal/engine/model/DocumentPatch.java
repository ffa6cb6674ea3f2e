package dev.shoal.engine.model;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A partial update of an existing document. A present vector or sparse vector replaces the stored
 * one; text fields and attributes are merged by name, and a {@code null} value removes the field. A
 * patch of an id that does not exist when the patch is applied changes nothing.
 *
 * @param id the document to change
 * @param vector the new vector, or null to keep the stored one
 * @param sparse the new sparse vector, or null to keep the stored one
 * @param text text fields to set, or to remove where the value is null
 * @param attrs attributes to set, or to remove where the value is null
 */
public record DocumentPatch(
    String id,
    float[] vector,
    SparseVector sparse,
    Map<String, String> text,
    Map<String, Object> attrs) {

  public DocumentPatch {
    Document.validateId(id);
    if (vector != null) {
      Document.validateVector(vector, id);
    }
    text = normalizeNullable(text, id, false);
    attrs = normalizeNullable(attrs, id, true);
  }

  /** A patch that only changes attributes. */
  public static DocumentPatch attrs(String id, Map<String, Object> attrs) {
    return new DocumentPatch(id, null, null, Map.of(), attrs);
  }

  /** Applies this patch to the stored version of the document. */
  public Document applyTo(Document base) {
    requireNonNull(base, "base is null");
    Map<String, String> newText = base.text();
    if (!text.isEmpty()) {
      TreeMap<String, String> merged = new TreeMap<>(base.text());
      text.forEach(
          (k, v) -> {
            if (v == null) {
              merged.remove(k);
            } else {
              merged.put(k, v);
            }
          });
      newText = merged;
    }
    Map<String, Object> newAttrs = base.attrs();
    if (!attrs.isEmpty()) {
      TreeMap<String, Object> merged = new TreeMap<>(base.attrs());
      attrs.forEach(
          (k, v) -> {
            if (v == null) {
              merged.remove(k);
            } else {
              merged.put(k, v);
            }
          });
      newAttrs = merged;
    }
    return new Document(
        id,
        vector != null ? vector : base.vector(),
        sparse != null ? sparse : base.sparse(),
        newText,
        newAttrs);
  }

  /** The dimension of the new vector, or 0 if the patch keeps the stored one. */
  public int dimension() {
    return vector == null ? 0 : vector.length;
  }

  @SuppressWarnings("unchecked")
  private static <V> Map<String, V> normalizeNullable(Map<String, V> map, String id, boolean attr) {
    if (map == null || map.isEmpty()) {
      return Collections.emptySortedMap();
    }
    TreeMap<String, V> out = new TreeMap<>();
    for (Map.Entry<String, V> e : map.entrySet()) {
      String name = e.getKey();
      if (attr) {
        Attributes.validateName(name, "attribute", id);
        if (name.equals("id")) {
          throw Attributes.invalid(id, "attribute name \"id\" is reserved for the document id");
        }
        out.put(
            name,
            e.getValue() == null ? null : (V) Attributes.normalizeValue(e.getValue(), name, id));
      } else {
        Attributes.validateName(name, "text field", id);
        out.put(name, e.getValue());
      }
    }
    return Collections.unmodifiableSortedMap(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DocumentPatch p
        && id.equals(p.id)
        && java.util.Arrays.equals(vector, p.vector)
        && java.util.Objects.equals(sparse, p.sparse)
        && text.equals(p.text)
        && attrs.equals(p.attrs);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(id, java.util.Arrays.hashCode(vector), sparse, text, attrs);
  }
}
