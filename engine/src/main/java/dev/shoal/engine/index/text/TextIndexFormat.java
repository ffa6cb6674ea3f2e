package dev.shoal.engine.index.text;

/**
 * Byte layout of a field's inverted index (all integers little-endian; vint/vlong are 7-bit
 * variable-length). Sections, in order:
 *
 * <pre>
 * header       fixed {@link #HEADER_SIZE} bytes:
 *                magic "SHTX", version, total bytes, maxDoc, docCount, total length, term count,
 *                term index length, norm width, then offset and length of the dictionary,
 *                postings and norms sections, CRC32C of the norms, and CRC32C of the header so far
 *                plus the term index ("meta" CRC)
 * term index   per dictionary block: vint first-term length, first term (UTF-8), vlong block
 *                offset in the dictionary section, vint block length; loaded when the index is
 *                opened (one entry per {@link #TERMS_PER_BLOCK} terms)
 * dictionary   blocks of up to {@link #TERMS_PER_BLOCK} terms sorted by UTF-8 bytes:
 *                vint count, then per term vint shared-prefix length, vint suffix length, suffix,
 *                vint df, then either (df = 1) vint ordinal and vint tf, inlined, or vlong postings
 *                offset and vint postings length; the block ends with its CRC32C
 * postings     per term with df &gt; 1: a skip table (per block of 128: vint last-doc delta,
 *                vint block bytes, vint impact count, impacts as (vint tf delta, vint length
 *                delta) pairs, the Pareto frontier of (tf, length) in the block that bounds its
 *                best score for any average length), then the blocks (byte bits per value, packed
 *                doc deltas minus one, byte bits per value, packed tf minus one), then the list's
 *                CRC32C
 * norms        exact document lengths, 1, 2 or 4 bytes per ordinal
 * footer       CRC32C of everything before it, magic "XTHS"
 * </pre>
 *
 * <p>Every range a search reads is covered by a checksum it verifies: header and term index on
 * open, each dictionary block and postings list when read, the norms when loaded.
 */
final class TextIndexFormat {
  static final int MAGIC = 0x58544853; // "SHTX" little-endian
  static final int FOOTER_MAGIC = 0x53485458; // "XTHS"
  static final int VERSION = 1;
  static final int HEADER_SIZE = 104;
  static final int FOOTER_SIZE = 8;
  static final int TERMS_PER_BLOCK = 32;
  static final int MAX_IMPACTS = 8;

  // Header field offsets.
  static final int H_MAGIC = 0;
  static final int H_VERSION = 4;
  static final int H_TOTAL_BYTES = 8;
  static final int H_MAX_DOC = 16;
  static final int H_DOC_COUNT = 20;
  static final int H_TOTAL_LENGTH = 24;
  static final int H_NUM_TERMS = 32;
  static final int H_TERM_INDEX_LENGTH = 40;
  static final int H_NORM_BYTES = 44;
  static final int H_DICT_OFFSET = 48;
  static final int H_DICT_LENGTH = 56;
  static final int H_POSTINGS_OFFSET = 64;
  static final int H_POSTINGS_LENGTH = 72;
  static final int H_NORMS_OFFSET = 80;
  static final int H_NORMS_LENGTH = 88;
  static final int H_NORMS_CRC = 96;
  static final int H_META_CRC = 100;

  private TextIndexFormat() {}
}
