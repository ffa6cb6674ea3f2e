package dev.shoal.engine.segment;

/**
 * The segment object layout (format version 2).
 *
 * <pre>
 * magic "SHSG" (int) | format version (byte)
 * section bytes, one after another (names below)
 * directory: count, then per section: name, offset, length, CRC32C of its bytes
 * directory offset (long)
 * footer: magic and CRC32C of everything before (see Checksums)
 * </pre>
 *
 * The directory is also copied into the manifest's {@code SegmentRef.sections}, so a reader can
 * fetch just the sections a query needs with ranged reads, and check each against its CRC.
 *
 * <p>Meta lists the attribute columns, the text fields and whether a sparse index exists. Entries
 * (live documents and tombstones) are sorted by id; an entry's position in that order is its
 * ordinal, shared by every section. Sorting by id makes id lookups a binary search and makes "equal
 * scores in ascending id order" the same as ascending ordinal.
 */
public final class SegmentFormat {
  public static final int MAGIC = 0x47534853; // "SHSG" read little-endian
  public static final int FORMAT_VERSION = 2;

  /** Counts, dimension, sequence range, column names. */
  public static final String META = "meta";

  /** Ids in ordinal order, sequence numbers, tombstone flags. */
  public static final String IDS = "ids";

  /** Attribute columns: per name, one tagged value per ordinal. */
  public static final String ATTRS = "attrs";

  /**
   * Which ordinals have a dense vector. The floats themselves are in {@link #ANN}, stored once
   * (format 1 also kept a second copy here).
   */
  public static final String VECTORS = "vectors";

  /**
   * The ANN index ({@link dev.shoal.engine.index.vector.IvfIndex}) over the vectors, numbered in
   * entry order among the entries that have one; also where a document's vector is read back.
   */
  public static final String ANN = "ann";

  /** Prefix of the BM25 index of each text field, {@code text.<field>}. */
  public static final String TEXT_PREFIX = "text.";

  /** The sparse-vector index. */
  public static final String SPARSE = "sparse";

  /** Text fields and sparse vectors per ordinal, with an offsets table for random access. */
  public static final String STORED = "stored";

  private SegmentFormat() {}
}
