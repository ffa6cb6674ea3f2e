package dev.shoal.engine.segment;

import dev.shoal.engine.cache.MemoryCache;
import dev.shoal.engine.index.RangeReader;
import dev.shoal.engine.index.sparse.SparseIndexReader;
import dev.shoal.engine.index.text.TextIndexReader;
import dev.shoal.engine.index.vector.IvfIndex;
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
 * A decoded segment: entries sorted by id (see {@link SegmentFormat}), attribute columns, stored
 * fields and the indexes, in memory. The vectors live only in the vector index, which is decoded on
 * first use (a search, a row that asks for its vector, a merge).
 *
 * <p>Immutable and thread-safe; cached by object key, so every manifest version and every branch
 * that references the object shares one instance.
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
  private final int[] vectorRow; // entry ordinal -> vector ordinal, or -1
  private final int[] vectorEntry; // vector ordinal -> entry ordinal
  // Loaded on first use: compaction and writers never search, and decoding costs CPU.
  private volatile IvfIndex ann;
  private byte[] annBytes; // guarded by this; dropped once decoded
  private final Map<String, TextIndexReader> text;
  private final SparseIndexReader sparse;
  private final byte[] stored;
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
    int directory = (int) new ByteReader(data, bodyEnd - 8, 8).readLong();
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
    String[] attrNames = readNames(meta);
    String[] textFields = readNames(meta);
    boolean hasSparse = meta.readByte() != 0;

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
    vectorRow = new int[size];
    int rows = 0;
    for (int i = 0; i < size; i++) {
      vectorRow[i] = get(hasVector, i) ? rows++ : -1;
    }
    vectorEntry = new int[rows];
    for (int i = 0; i < size; i++) {
      if (vectorRow[i] >= 0) {
        vectorEntry[vectorRow[i]] = i;
      }
    }
    int[] annSection = sections.get(SegmentFormat.ANN);
    if (annSection == null && rows > 0) {
      throw new FormatException("section " + SegmentFormat.ANN + " missing");
    }
    annBytes = annSection == null ? null : copy(data, sections, SegmentFormat.ANN);

    Map<String, TextIndexReader> textIndexes = new TreeMap<>();
    for (String field : textFields) {
      String name = SegmentFormat.TEXT_PREFIX + field;
      textIndexes.put(
          field,
          TextIndexReader.open(RangeReader.of(copy(data, sections, name)), key + "#" + name));
    }
    text = Collections.unmodifiableMap(textIndexes);
    sparse =
        hasSparse
            ? SparseIndexReader.open(
                RangeReader.of(copy(data, sections, SegmentFormat.SPARSE)),
                key + "#" + SegmentFormat.SPARSE)
            : null;

    int[] st = sections.get(SegmentFormat.STORED);
    if (st == null) {
      throw new FormatException("section " + SegmentFormat.STORED + " missing");
    }
    ByteReader sr = new ByteReader(data, st[0], st[1]);
    storedOffsets = new int[size + 1];
    for (int i = 0; i <= size; i++) {
      storedOffsets[i] = sr.readInt();
    }
    stored = Arrays.copyOfRange(data, sr.position(), st[0] + st[1]);

    long w = 512L + 40L * size + stored.length + 8L * vectorEntry.length;
    for (String id : ids) {
      w += 48 + 2L * id.length();
    }
    for (Object[] col : cols.values()) {
      w += 16 + 8L * size;
      for (Object v : col) {
        if (v instanceof String s) {
          w += 40 + 2L * s.length();
        } else if (v != null) {
          w += 24;
        }
      }
    }
    if (annBytes != null) {
      w += annBytes.length; // about the decoded index's size (vectors, codes, ordinals)
    }
    for (TextIndexReader t : text.values()) {
      w += t.ramBytesUsed();
    }
    if (sparse != null) {
      w += sparse.ramBytesUsed();
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

  private static byte[] copy(byte[] data, Map<String, int[]> sections, String name) {
    int[] s = sections.get(name);
    if (s == null) {
      throw new FormatException("section " + name + " missing");
    }
    return Arrays.copyOfRange(data, s[0], s[0] + s[1]);
  }

  private static String[] readNames(ByteReader in) {
    String[] names = new String[in.readVarInt()];
    for (int i = 0; i < names.length; i++) {
      names[i] = in.readString();
    }
    return names;
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

  /** An attribute column by name (values per ordinal, null where missing), or null. */
  public Object[] column(String name) {
    return columns.get(name);
  }

  public Map<String, Object[]> columns() {
    return columns;
  }

  /**
   * The vector index, or null if no entry has a vector. Its ordinals are vector ordinals. Decoded
   * on first use.
   */
  public IvfIndex ann() {
    IvfIndex index = ann;
    if (index == null) {
      synchronized (this) {
        index = ann;
        if (index == null && annBytes != null) {
          try {
            index = IvfIndex.load(RangeReader.of(annBytes), key + "#" + SegmentFormat.ANN);
          } catch (FormatException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new CorruptObjectException(key, e.getMessage(), e);
          }
          ann = index;
          annBytes = null;
        }
      }
    }
    return index;
  }

  /** The entry ordinal of a vector ordinal. */
  public int entryOfVector(int vectorOrdinal) {
    return vectorEntry[vectorOrdinal];
  }

  /** The vector ordinal of an entry, or -1 if it has no vector. */
  public int vectorOf(int ord) {
    return vectorRow[ord];
  }

  /** The BM25 index of a text field (ordinals are entry ordinals), or null. */
  public TextIndexReader text(String field) {
    return text.get(field);
  }

  /** Text fields with an index. */
  public java.util.Set<String> textFields() {
    return text.keySet();
  }

  /** The sparse index (ordinals are entry ordinals), or null. */
  public SparseIndexReader sparseIndex() {
    return sparse;
  }

  /** The vector of an ordinal as written (a copy, from the vector index), or null. */
  public float[] vector(int ord) {
    int row = vectorRow[ord];
    return row < 0 ? null : ann().vector(row);
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
    if (r.readByte() != 2) {
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
    return new ByteReader(stored, storedOffsets[ord], storedOffsets[ord + 1] - storedOffsets[ord]);
  }

  /** The whole document of a live ordinal (null for a tombstone); reads its vector. */
  public Document document(int ord) {
    return document(ord, true);
  }

  /** A live ordinal's document, with or without its vector (which costs a read). */
  public Document document(int ord, boolean withVector) {
    if (isTombstone(ord)) {
      return null;
    }
    return new Document(
        ids[ord], withVector ? vector(ord) : null, sparse(ord), text(ord), attrs(ord));
  }

  /** Every entry, in ordinal order, with vectors (for merges). */
  public List<SegmentEntry> entries() {
    SegmentEntry[] out = new SegmentEntry[size];
    for (int i = 0; i < size; i++) {
      Document d = null;
      if (!isTombstone(i)) {
        d = new Document(ids[i], vector(i), sparse(i), text(i), attrs(i));
      }
      out[i] = new SegmentEntry(ids[i], seqs[i], d);
    }
    return Arrays.asList(out);
  }

  @Override
  public long weightBytes() {
    return weightBytes;
  }
}
