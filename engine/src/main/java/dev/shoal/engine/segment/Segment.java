package dev.shoal.engine.segment;

import dev.shoal.engine.cache.MemoryCache;
import dev.shoal.engine.internal.ByteReader;
import dev.shoal.engine.internal.Checksums;
import dev.shoal.engine.internal.DocumentCodec;
import dev.shoal.engine.internal.FormatException;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.SparseVector;
import dev.shoal.engine.storage.CorruptObjectException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A decoded segment in memory: entries sorted by id (see {@link SegmentFormat}), attribute
 * columns, vectors and stored fields. Immutable and thread-safe; cached by object key, so every
 * manifest version and every branch that references the object shares one instance.
 */
public final class Segment implements MemoryCache.Weighted {
  private final String key;
  private final int size;
  private final int liveCount;
  private final int dimension;
  private final DistanceMetric metric;
  private final long minSeq;
  private final long maxSeq;
  private final String[] ids;
  private final long[] seqs;
  private final long[] tombstones;
  private final Map<String, Object[]> columns;
  private final int[] vectorOrdinal; // entry ordinal -> row in vectors, or -1
  private final float[] vectors;
  private final byte[] stored;
  private final int storedStart;
  private final int[] storedOffsets;
  private final long weightBytes;

  private Segment(String key, byte[] data) {
    this.key = key;
    int bodyEnd = Checksums.verify(data, SegmentFormat.MAGIC);
    ByteReader header = new ByteReader(data, 4, bodyEnd - 4);
    int version = header.readByte();
    if (version != SegmentFormat.FORMAT_VERSION) {
      throw new FormatException(
          "unsupported segment format version "
              + version
              + " (this build reads "
              + SegmentFormat.FORMAT_VERSION
              + ")");
    }
    ByteReader dirOffset = new ByteReader(data, bodyEnd - 8, 8);
    int directory = (int) dirOffset.readLong();
    ByteReader dir = new ByteReader(data, directory, bodyEnd - 8 - directory);
    Map<String, int[]> sections = new LinkedHashMap<>();
    int count = dir.readVarInt();
    for (int i = 0; i < count; i++) {
      String name = dir.readString();
      int offset = (int) dir.readLong();
      int length = (int) dir.readLong();
      dir.readInt();
      sections.put(name, new int[] {offset, length});
    }

    ByteReader meta = section(data, sections, SegmentFormat.META);
    size = meta.readVarInt();
    liveCount = meta.readVarInt();
    dimension = meta.readVarInt();
    metric = DistanceMetric.values()[meta.readByte()];
    minSeq = meta.readVarLong();
    maxSeq = meta.readVarLong();
    String[] attrNames = new String[meta.readVarInt()];
    for (int i = 0; i < attrNames.length; i++) {
      attrNames[i] = meta.readString();
    }

    ByteReader idr = section(data, sections, SegmentFormat.IDS);
    ids = new String[size];
    for (int i = 0; i < size; i++) {
      ids[i] = idr.readString();
    }
    seqs = new long[size];
    long prev = 0;
    for (int i = 0; i < size; i++) {
      prev += idr.readZLong();
      seqs[i] = prev;
    }
    tombstones = readBits(idr, size);

    ByteReader ar = section(data, sections, SegmentFormat.ATTRS);
    Map<String, Object[]> cols = new LinkedHashMap<>();
    for (int c = 0; c < attrNames.length; c++) {
      String name = ar.readString();
      Object[] values = new Object[size];
      for (int i = 0; i < size; i++) {
        values[i] = DocumentCodec.readValue(ar);
      }
      cols.put(name, values);
    }
    columns = Collections.unmodifiableMap(cols);

    ByteReader vr = section(data, sections, SegmentFormat.VECTORS);
    long[] hasVector = readBits(vr, size);
    vectorOrdinal = new int[size];
    int rows = 0;
    for (int i = 0; i < size; i++) {
      vectorOrdinal[i] = get(hasVector, i) ? rows++ : -1;
    }
    vectors = vr.readFloats(rows * dimension);

    int[] st = sections.get(SegmentFormat.STORED);
    if (st == null) {
      throw new FormatException("section " + SegmentFormat.STORED + " missing");
    }
    ByteReader sr = new ByteReader(data, st[0], st[1]);
    storedOffsets = new int[size + 1];
    for (int i = 0; i <= size; i++) {
      storedOffsets[i] = sr.readInt();
    }
    storedStart = 0;
    stored = Arrays.copyOfRange(data, sr.position(), st[0] + st[1]);

    long w = 256L + 48L * size + 4L * vectors.length + stored.length + 12L * size;
    for (String id : ids) {
      w += 2L * id.length();
    }
    for (Object[] col : cols.values()) {
      w += 8L * size;
      for (Object v : col) {
        if (v instanceof String s) {
          w += 40 + 2L * s.length();
        } else if (v != null) {
          w += 24;
        }
      }
    }
    weightBytes = w;
  }

  /**
   * Decodes a whole segment object.
   *
   * @throws CorruptObjectException naming the key if it is truncated, corrupt or of an unknown
   *     version
   */
  public static Segment decode(String key, byte[] data) {
    try {
      return new Segment(key, data);
    } catch (FormatException | IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new CorruptObjectException(key, e.getMessage(), e);
    }
  }

  private static ByteReader section(byte[] data, Map<String, int[]> sections, String name) {
    int[] s = sections.get(name);
    if (s == null) {
      throw new FormatException("section " + name + " missing");
    }
    return new ByteReader(data, s[0], s[1]);
  }

  private static long[] readBits(ByteReader in, int n) {
    long[] bits = new long[(n + 63) / 64];
    for (int i = 0; i < (n + 7) / 8; i++) {
      bits[i >>> 3] |= (long) in.readByte() << ((i & 7) * 8);
    }
    return bits;
  }

  private static boolean get(long[] bits, int i) {
    return (bits[i >>> 6] & (1L << (i & 63))) != 0;
  }

  public String key() {
    return key;
  }

  /** Entries: live documents and tombstones. */
  public int size() {
    return size;
  }

  public int liveCount() {
    return liveCount;
  }

  public int dimension() {
    return dimension;
  }

  public DistanceMetric metric() {
    return metric;
  }

  public long minSeq() {
    return minSeq;
  }

  public long maxSeq() {
    return maxSeq;
  }

  public String id(int ord) {
    return ids[ord];
  }

  public long seq(int ord) {
    return seqs[ord];
  }

  public boolean isTombstone(int ord) {
    return get(tombstones, ord);
  }

  /** The ordinal of an id, or -1. */
  public int ordinalOf(String id) {
    int i = Arrays.binarySearch(ids, id);
    return i >= 0 ? i : -1;
  }

  /** Ids in ordinal order (sorted); do not modify. */
  String[] ids() {
    return ids;
  }

  /** An attribute column by name (values per ordinal, null where missing), or null. */
  public Object[] column(String name) {
    return columns.get(name);
  }

  public Map<String, Object[]> columns() {
    return columns;
  }

  /** The vector of an ordinal, or null. The array is a copy. */
  public float[] vector(int ord) {
    int row = vectorOrdinal[ord];
    return row < 0 ? null : Arrays.copyOfRange(vectors, row * dimension, (row + 1) * dimension);
  }

  /** Whether an ordinal has a vector. */
  public boolean hasVector(int ord) {
    return vectorOrdinal[ord] >= 0;
  }

  /** The flat vector storage and the row of an ordinal, for scoring without copies. */
  public float[] vectorData() {
    return vectors;
  }

  public int vectorRow(int ord) {
    return vectorOrdinal[ord];
  }

  /** The attributes of an ordinal, from the columns. */
  public Map<String, Object> attrs(int ord) {
    Map<String, Object> out = new TreeMap<>();
    for (Map.Entry<String, Object[]> c : columns.entrySet()) {
      Object v = c.getValue()[ord];
      if (v != null) {
        out.put(c.getKey(), v);
      }
    }
    return out;
  }

  /** The text fields of an ordinal. */
  public Map<String, String> text(int ord) {
    ByteReader r = storedRow(ord);
    if (r.readByte() == 0) {
      return Map.of();
    }
    int n = r.readVarInt();
    Map<String, String> out = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      out.put(r.readString(), r.readString());
    }
    return out;
  }

  /** The sparse vector of an ordinal, or null. */
  public SparseVector sparse(int ord) {
    ByteReader r = storedRow(ord);
    int kind = r.readByte();
    if (kind != 2) {
      return null;
    }
    int n = r.readVarInt();
    for (int i = 0; i < n; i++) {
      r.readString();
      r.readString();
    }
    return DocumentCodec.readSparse(r);
  }

  private ByteReader storedRow(int ord) {
    int start = storedStart + storedOffsets[ord];
    return new ByteReader(stored, start, storedOffsets[ord + 1] - storedOffsets[ord]);
  }

  /** The whole document of a live ordinal (null for a tombstone). */
  public Document document(int ord) {
    if (isTombstone(ord)) {
      return null;
    }
    return new Document(ids[ord], vector(ord), sparse(ord), text(ord), attrs(ord));
  }

  /** Every entry, in ordinal order (for merging). */
  public List<SegmentEntry> entries() {
    SegmentEntry[] out = new SegmentEntry[size];
    for (int i = 0; i < size; i++) {
      out[i] = new SegmentEntry(ids[i], seqs[i], document(i));
    }
    return Arrays.asList(out);
  }

  @Override
  public long weightBytes() {
    return weightBytes;
  }
}
