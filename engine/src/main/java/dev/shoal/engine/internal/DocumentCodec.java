package dev.shoal.engine.internal;

import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.engine.model.SparseVector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Binary encoding of documents, patches and attribute values, shared by WAL batches and segments.
 *
 * <p>Layout of a document: id, a flags byte (vector, sparse), the vector as a dimension varint and
 * raw little-endian floats, the sparse vector as delta-coded indices and floats, then text fields
 * and attributes as counted name/value lists. Attribute values carry a one-byte tag.
 */
public final class DocumentCodec {
  private static final int HAS_VECTOR = 1;
  private static final int HAS_SPARSE = 2;

  private static final int TAG_STRING = 0;
  private static final int TAG_LONG = 1;
  private static final int TAG_DOUBLE = 2;
  private static final int TAG_TRUE = 3;
  private static final int TAG_FALSE = 4;
  private static final int TAG_LIST = 5;
  private static final int TAG_NULL = 6;

  private DocumentCodec() {}

  public static void writeDocument(ByteWriter out, Document doc) {
    writeBody(out, doc.id(), doc.vector(), doc.sparse(), doc.text(), doc.attrs());
  }

  public static Document readDocument(ByteReader in) {
    String id = in.readString();
    int flags = in.readByte();
    float[] vector = (flags & HAS_VECTOR) != 0 ? in.readFloats(in.readVarInt()) : null;
    SparseVector sparse = (flags & HAS_SPARSE) != 0 ? readSparse(in) : null;
    Map<String, String> text = readText(in);
    Map<String, Object> attrs = readAttrs(in);
    return new Document(id, vector, sparse, text, attrs);
  }

  public static void writePatch(ByteWriter out, DocumentPatch patch) {
    writeBody(out, patch.id(), patch.vector(), patch.sparse(), patch.text(), patch.attrs());
  }

  public static DocumentPatch readPatch(ByteReader in) {
    String id = in.readString();
    int flags = in.readByte();
    float[] vector = (flags & HAS_VECTOR) != 0 ? in.readFloats(in.readVarInt()) : null;
    SparseVector sparse = (flags & HAS_SPARSE) != 0 ? readSparse(in) : null;
    Map<String, String> text = readText(in);
    Map<String, Object> attrs = readAttrs(in);
    return new DocumentPatch(id, vector, sparse, text, attrs);
  }

  private static void writeBody(
      ByteWriter out,
      String id,
      float[] vector,
      SparseVector sparse,
      Map<String, String> text,
      Map<String, Object> attrs) {
    out.writeString(id);
    out.writeByte((vector != null ? HAS_VECTOR : 0) | (sparse != null ? HAS_SPARSE : 0));
    if (vector != null) {
      out.writeVarInt(vector.length);
      out.writeFloats(vector, 0, vector.length);
    }
    if (sparse != null) {
      writeSparse(out, sparse);
    }
    out.writeVarInt(text.size());
    // Most documents have no text or no attributes: skip creating an iterator for those.
    if (!text.isEmpty()) {
      for (Map.Entry<String, String> e : text.entrySet()) {
        out.writeString(e.getKey());
        if (e.getValue() == null) {
          out.writeByte(0);
        } else {
          out.writeByte(1);
          out.writeString(e.getValue());
        }
      }
    }
    out.writeVarInt(attrs.size());
    if (!attrs.isEmpty()) {
      for (Map.Entry<String, Object> e : attrs.entrySet()) {
        out.writeString(e.getKey());
        writeValue(out, e.getValue());
      }
    }
  }

  /**
   * About the encoded size of a document or patch body, for presizing buffers; never below the real
   * size for ASCII ids, names and strings and scalar attributes, may be below it otherwise.
   */
  public static long estimateBody(
      String id,
      float[] vector,
      SparseVector sparse,
      Map<String, String> text,
      Map<String, ?> attrs) {
    long n = 8 + 3L * id.length();
    if (vector != null) {
      n += 5 + 4L * vector.length;
    }
    if (sparse != null) {
      n += 5 + 9L * sparse.size();
    }
    n += 5 + estimateMap(text) + 5 + estimateMap(attrs);
    return n;
  }

  private static long estimateMap(Map<String, ?> map) {
    if (map.isEmpty()) {
      return 0;
    }
    long n = 0;
    for (Map.Entry<String, ?> e : map.entrySet()) {
      Object v = e.getValue();
      n += 6 + e.getKey().length() + (v instanceof String s ? 5 + s.length() : 16);
    }
    return n;
  }

  public static void writeSparse(ByteWriter out, SparseVector sparse) {
    int[] idx = sparse.indices();
    out.writeVarInt(idx.length);
    int prev = 0;
    for (int i = 0; i < idx.length; i++) {
      out.writeVarInt(idx[i] - prev);
      prev = idx[i];
    }
    out.writeFloats(sparse.values(), 0, idx.length);
  }

  public static SparseVector readSparse(ByteReader in) {
    int n = in.readVarInt();
    int[] idx = new int[n];
    int prev = 0;
    for (int i = 0; i < n; i++) {
      prev += in.readVarInt();
      idx[i] = prev;
    }
    return new SparseVector(idx, in.readFloats(n));
  }

  private static Map<String, String> readText(ByteReader in) {
    int n = in.readVarInt();
    if (n == 0) {
      return Collections.emptySortedMap();
    }
    TreeMap<String, String> out = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      String name = in.readString();
      out.put(name, in.readByte() == 0 ? null : in.readString());
    }
    return out;
  }

  private static Map<String, Object> readAttrs(ByteReader in) {
    int n = in.readVarInt();
    if (n == 0) {
      return Collections.emptySortedMap();
    }
    TreeMap<String, Object> out = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      String name = in.readString();
      out.put(name, readValue(in));
    }
    return out;
  }

  /**
   * Writes a normalized attribute value (see {@link dev.shoal.engine.model.Attributes}) or null.
   */
  public static void writeValue(ByteWriter out, Object value) {
    if (value == null) {
      out.writeByte(TAG_NULL);
    } else if (value instanceof String s) {
      out.writeByte(TAG_STRING);
      out.writeString(s);
    } else if (value instanceof Long l) {
      out.writeByte(TAG_LONG);
      out.writeZLong(l);
    } else if (value instanceof Double d) {
      out.writeByte(TAG_DOUBLE);
      out.writeDouble(d);
    } else if (value instanceof Boolean b) {
      out.writeByte(b ? TAG_TRUE : TAG_FALSE);
    } else if (value instanceof List<?> list) {
      out.writeByte(TAG_LIST);
      out.writeVarInt(list.size());
      for (Object element : list) {
        writeValue(out, element);
      }
    } else {
      throw new IllegalArgumentException("Cannot encode attribute value of " + value.getClass());
    }
  }

  public static Object readValue(ByteReader in) {
    int tag = in.readByte();
    switch (tag) {
      case TAG_STRING:
        return in.readString();
      case TAG_LONG:
        return in.readZLong();
      case TAG_DOUBLE:
        return in.readDouble();
      case TAG_TRUE:
        return Boolean.TRUE;
      case TAG_FALSE:
        return Boolean.FALSE;
      case TAG_NULL:
        return null;
      case TAG_LIST:
        int n = in.readVarInt();
        List<Object> list = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
          list.add(readValue(in));
        }
        return Collections.unmodifiableList(list);
      default:
        throw new FormatException(
            "unknown attribute value tag " + tag + " at byte " + in.position());
    }
  }
}
