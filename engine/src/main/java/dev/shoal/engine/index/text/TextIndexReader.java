package dev.shoal.engine.index.text;

import static dev.shoal.engine.index.text.TextIndexFormat.FOOTER_MAGIC;
import static dev.shoal.engine.index.text.TextIndexFormat.FOOTER_SIZE;
import static dev.shoal.engine.index.text.TextIndexFormat.HEADER_SIZE;
import static dev.shoal.engine.index.text.TextIndexFormat.H_DICT_LENGTH;
import static dev.shoal.engine.index.text.TextIndexFormat.H_DICT_OFFSET;
import static dev.shoal.engine.index.text.TextIndexFormat.H_DOC_COUNT;
import static dev.shoal.engine.index.text.TextIndexFormat.H_MAGIC;
import static dev.shoal.engine.index.text.TextIndexFormat.H_MAX_DOC;
import static dev.shoal.engine.index.text.TextIndexFormat.H_META_CRC;
import static dev.shoal.engine.index.text.TextIndexFormat.H_NORMS_CRC;
import static dev.shoal.engine.index.text.TextIndexFormat.H_NORMS_LENGTH;
import static dev.shoal.engine.index.text.TextIndexFormat.H_NORMS_OFFSET;
import static dev.shoal.engine.index.text.TextIndexFormat.H_NORM_BYTES;
import static dev.shoal.engine.index.text.TextIndexFormat.H_NUM_TERMS;
import static dev.shoal.engine.index.text.TextIndexFormat.H_POSTINGS_LENGTH;
import static dev.shoal.engine.index.text.TextIndexFormat.H_POSTINGS_OFFSET;
import static dev.shoal.engine.index.text.TextIndexFormat.H_TERM_INDEX_LENGTH;
import static dev.shoal.engine.index.text.TextIndexFormat.H_TOTAL_BYTES;
import static dev.shoal.engine.index.text.TextIndexFormat.H_TOTAL_LENGTH;
import static dev.shoal.engine.index.text.TextIndexFormat.H_VERSION;
import static dev.shoal.engine.index.text.TextIndexFormat.MAGIC;
import static dev.shoal.engine.index.text.TextIndexFormat.VERSION;
import static java.util.Objects.requireNonNull;

import dev.shoal.engine.index.RangeReader;
import dev.shoal.engine.index.postings.Postings;
import dev.shoal.engine.storage.CorruptObjectException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Reads one field's inverted index (written by {@link TextIndexWriter}) through a {@link
 * RangeReader}. Opening reads the header and the term index (one range, checksummed); {@link
 * #lookup} reads the dictionary blocks of the query terms (one parallel round trip) and gives their
 * statistics; searching reads their postings lists (one more) and, the first time, the document
 * lengths, which then stay in memory.
 *
 * <p>Thread-safe: immutable after {@link #open} except for the lazily loaded lengths, which are
 * published safely. Corrupt or truncated bytes raise {@link CorruptObjectException} naming the
 * index.
 */
public final class TextIndexReader {
  private static final int FIRST_READ = 64 * 1024;

  private final RangeReader in;
  private final String name;
  private final int maxDoc;
  private final int docCount;
  private final long totalLength;
  private final long numTerms;
  private final int normBytes;
  private final long dictOffset;
  private final long postingsOffset;
  private final long postingsLength;
  private final long normsOffset;
  private final long normsLength;
  private final int normsCrc;
  private final byte[][] blockFirstTerms;
  private final long[] blockOffsets;
  private final int[] blockLengths;
  private volatile int[] norms;

  private TextIndexReader(RangeReader in, String name, ByteBuffer head, ByteBuffer termIndex) {
    this.in = in;
    this.name = name;
    this.maxDoc = head.getInt(H_MAX_DOC);
    this.docCount = head.getInt(H_DOC_COUNT);
    this.totalLength = head.getLong(H_TOTAL_LENGTH);
    this.numTerms = head.getLong(H_NUM_TERMS);
    this.normBytes = head.getInt(H_NORM_BYTES);
    this.dictOffset = head.getLong(H_DICT_OFFSET);
    long dictLength = head.getLong(H_DICT_LENGTH);
    this.postingsOffset = head.getLong(H_POSTINGS_OFFSET);
    this.postingsLength = head.getLong(H_POSTINGS_LENGTH);
    this.normsOffset = head.getLong(H_NORMS_OFFSET);
    this.normsLength = head.getLong(H_NORMS_LENGTH);
    this.normsCrc = head.getInt(H_NORMS_CRC);
    long total = in.length();
    int termIndexLength = head.getInt(H_TERM_INDEX_LENGTH);
    check(maxDoc >= 0 && docCount >= 0 && docCount <= maxDoc, "bad document counts");
    check(totalLength >= docCount && numTerms >= 0, "bad field statistics");
    check(normBytes == 1 || normBytes == 2 || normBytes == 4, "bad norm width " + normBytes);
    check(dictOffset == HEADER_SIZE + (long) termIndexLength, "dictionary is misplaced");
    check(postingsOffset == dictOffset + dictLength, "postings are misplaced");
    check(normsOffset == postingsOffset + postingsLength, "norms are misplaced");
    check(normsLength == (long) maxDoc * normBytes, "norms have the wrong length");
    check(normsOffset + normsLength == total - FOOTER_SIZE, "sections do not fill the index");
    List<byte[]> firsts = new ArrayList<>();
    List<long[]> blocks = new ArrayList<>();
    ByteBuffer ti = termIndex.duplicate().order(termIndex.order());
    while (ti.hasRemaining()) {
      byte[] first = new byte[Postings.readVInt(ti)];
      ti.get(first);
      long off = Postings.readVLong(ti);
      int len = Postings.readVInt(ti);
      check(off >= 0 && len > 4 && off + len <= dictLength, "dictionary block out of range");
      firsts.add(first);
      blocks.add(new long[] {off, len});
    }
    check(
        (long) blocks.size() * TextIndexFormat.TERMS_PER_BLOCK >= numTerms
            && (long) (blocks.size() - 1) * TextIndexFormat.TERMS_PER_BLOCK < Math.max(1, numTerms),
        "term index does not match the term count");
    blockFirstTerms = firsts.toArray(new byte[0][]);
    blockOffsets = new long[blocks.size()];
    blockLengths = new int[blocks.size()];
    for (int i = 0; i < blockOffsets.length; i++) {
      blockOffsets[i] = blocks.get(i)[0];
      blockLengths[i] = (int) blocks.get(i)[1];
    }
  }

  /**
   * Opens an index, verifying its header and term index.
   *
   * @param name names the index in errors, e.g. {@code "segments/00042.seg text:body"}
   * @throws CorruptObjectException if the bytes are not a valid index of this version
   */
  public static TextIndexReader open(RangeReader in, String name) {
    requireNonNull(in, "in is null");
    requireNonNull(name, "name is null");
    try {
      long length = in.length();
      if (length < HEADER_SIZE + FOOTER_SIZE) {
        throw new CorruptObjectException(
            name, "text index is truncated: " + length + " bytes, less than a header");
      }
      ByteBuffer first = in.read(0, (int) Math.min(length, FIRST_READ));
      int magic = first.getInt(H_MAGIC);
      if (magic != MAGIC) {
        throw new CorruptObjectException(
            name, "not a text index: magic " + Integer.toHexString(magic));
      }
      int version = first.getInt(H_VERSION);
      if (version != VERSION) {
        throw new CorruptObjectException(
            name,
            "text index format version "
                + version
                + " is not supported (this build reads "
                + VERSION
                + ")");
      }
      long total = first.getLong(H_TOTAL_BYTES);
      if (total != length) {
        throw new CorruptObjectException(
            name,
            "text index is truncated or padded: header says " + total + " bytes, found " + length);
      }
      int termIndexLength = first.getInt(H_TERM_INDEX_LENGTH);
      if (termIndexLength < 0 || HEADER_SIZE + (long) termIndexLength > length - FOOTER_SIZE) {
        throw new CorruptObjectException(name, "text index header is corrupt");
      }
      ByteBuffer meta =
          HEADER_SIZE + termIndexLength <= first.limit()
              ? first
              : in.read(0, HEADER_SIZE + termIndexLength);
      CRC32C crc = new CRC32C();
      crc.update(meta.duplicate().position(0).limit(H_META_CRC));
      crc.update(meta.duplicate().position(HEADER_SIZE).limit(HEADER_SIZE + termIndexLength));
      if ((int) crc.getValue() != meta.getInt(H_META_CRC)) {
        throw new CorruptObjectException(name, "text index header checksum mismatch");
      }
      ByteBuffer termIndex =
          meta.duplicate()
              .position(HEADER_SIZE)
              .limit(HEADER_SIZE + termIndexLength)
              .slice()
              .order(meta.order());
      return new TextIndexReader(in, name, meta, termIndex);
    } catch (BufferUnderflowException | IllegalStateException | IndexOutOfBoundsException e) {
      throw new CorruptObjectException(name, "text index is corrupt: " + e.getMessage(), e);
    }
  }

  private void check(boolean ok, String what) {
    if (!ok) {
      throw new CorruptObjectException(name, "text index is corrupt: " + what);
    }
  }

  CorruptObjectException corrupt(String what, Throwable cause) {
    return new CorruptObjectException(name, "text index is corrupt: " + what, cause);
  }

  /** The number of ordinals in the segment. */
  public int maxDoc() {
    return maxDoc;
  }

  /** Documents with at least one term in this field. */
  public int docCount() {
    return docCount;
  }

  /** Terms in this field over all documents. */
  public long totalLength() {
    return totalLength;
  }

  /** Distinct terms in this field. */
  public long termCount() {
    return numTerms;
  }

  public String name() {
    return name;
  }

  /** Looks up terms (one dictionary read per block involved, in one round trip). */
  public TermLookup lookup(QueryTerms terms) {
    requireNonNull(terms, "terms is null");
    int n = terms.size();
    byte[][] keys = new byte[n][];
    int[] blockOf = new int[n];
    Map<Integer, Integer> slot = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      keys[i] = terms.terms().get(i).getBytes(StandardCharsets.UTF_8);
      int b = findBlock(keys[i]);
      blockOf[i] = b;
      if (b >= 0) {
        slot.putIfAbsent(b, slot.size());
      }
    }
    List<long[]> ranges = new ArrayList<>(slot.size());
    for (int b : slot.keySet()) {
      ranges.add(new long[] {dictOffset + blockOffsets[b], blockLengths[b]});
    }
    List<ByteBuffer> blocks = ranges.isEmpty() ? List.of() : in.readAll(ranges);
    TermLookup.Entry[] entries = new TermLookup.Entry[n];
    try {
      List<Integer> verified = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (blockOf[i] < 0) {
          continue;
        }
        int s = slot.get(blockOf[i]);
        ByteBuffer block = blocks.get(s);
        if (!verified.contains(s)) {
          int len = block.limit();
          if (Postings.crc32c(block, 0, len - 4) != block.getInt(len - 4)) {
            throw corrupt("dictionary block " + blockOf[i] + " checksum mismatch", null);
          }
          verified.add(s);
        }
        entries[i] = findInBlock(block, keys[i]);
      }
    } catch (BufferUnderflowException | IllegalStateException | IndexOutOfBoundsException e) {
      throw corrupt("dictionary block does not decode: " + e.getMessage(), e);
    }
    return new TermLookup(this, terms, entries);
  }

  /** The last block whose first term is at most {@code key}, or -1. */
  private int findBlock(byte[] key) {
    int lo = 0;
    int hi = blockFirstTerms.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (Arrays.compareUnsigned(blockFirstTerms[mid], key) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private TermLookup.Entry findInBlock(ByteBuffer block, byte[] key) {
    ByteBuffer b = block.duplicate().order(block.order()).position(0).limit(block.limit() - 4);
    int count = Postings.readVInt(b);
    byte[] term = new byte[64];
    int termLen = 0;
    for (int i = 0; i < count; i++) {
      int prefix = Postings.readVInt(b);
      int suffix = Postings.readVInt(b);
      if (prefix > termLen || suffix > b.remaining()) {
        throw new IllegalStateException("bad term entry");
      }
      if (prefix + suffix > term.length) {
        term = Arrays.copyOf(term, Math.max(term.length * 2, prefix + suffix));
      }
      b.get(term, prefix, suffix);
      termLen = prefix + suffix;
      int df = Postings.readVInt(b);
      int cmp = Arrays.compareUnsigned(term, 0, termLen, key, 0, key.length);
      if (df == 1) {
        int ord = Postings.readVInt(b);
        int tf = Postings.readVInt(b);
        if (cmp == 0) {
          if (ord >= maxDoc || tf < 1) {
            throw new IllegalStateException("inlined posting out of range");
          }
          return new TermLookup.Entry(1, ord, tf, 0, 0);
        }
      } else {
        long off = Postings.readVLong(b);
        int len = Postings.readVInt(b);
        if (cmp == 0) {
          if (df < 2 || df > maxDoc || off + len > postingsLength || len < 4) {
            throw new IllegalStateException("postings reference out of range");
          }
          return new TermLookup.Entry(df, -1, 0, postingsOffset + off, len);
        }
      }
      if (cmp > 0) {
        return null;
      }
    }
    return null;
  }

  ByteBuffer readPostings(TermLookup.Entry e) {
    return in.read(e.offset(), e.length());
  }

  List<ByteBuffer> readPostings(List<long[]> ranges) {
    return in.readAll(ranges);
  }

  /** Exact document lengths by ordinal; loaded and verified on first use. */
  int[] norms() {
    int[] n = norms;
    if (n == null) {
      synchronized (this) {
        n = norms;
        if (n == null) {
          n = loadNorms();
          norms = n;
        }
      }
    }
    return n;
  }

  private int[] loadNorms() {
    int[] out = new int[maxDoc];
    if (maxDoc == 0) {
      return out;
    }
    ByteBuffer b = in.read(normsOffset, (int) normsLength);
    if (Postings.crc32c(b, 0, (int) normsLength) != normsCrc) {
      throw corrupt("document lengths checksum mismatch", null);
    }
    switch (normBytes) {
      case 1 -> {
        for (int i = 0; i < maxDoc; i++) {
          out[i] = b.get(i) & 0xFF;
        }
      }
      case 2 -> {
        for (int i = 0; i < maxDoc; i++) {
          out[i] = b.getShort(2 * i) & 0xFFFF;
        }
      }
      default -> {
        for (int i = 0; i < maxDoc; i++) {
          out[i] = b.getInt(4 * i);
          if (out[i] < 0) {
            throw corrupt("negative document length", null);
          }
        }
      }
    }
    return out;
  }

  /** Reads the whole index and checks its footer checksum (for repair and scrubbing). */
  public void verifyChecksum() {
    long length = in.length();
    CRC32C crc = new CRC32C();
    long pos = 0;
    long end = length - FOOTER_SIZE;
    while (pos < end) {
      int len = (int) Math.min(1 << 20, end - pos);
      crc.update(in.read(pos, len));
      pos += len;
    }
    ByteBuffer footer = in.read(end, FOOTER_SIZE);
    if (footer.getInt(4) != FOOTER_MAGIC) {
      throw corrupt("footer magic missing", null);
    }
    if ((int) crc.getValue() != footer.getInt(0)) {
      throw corrupt("checksum mismatch over " + length + " bytes", null);
    }
  }

  /** Heap held by this reader: the term index, and the lengths once loaded. */
  public long ramBytesUsed() {
    long bytes = 128L + blockOffsets.length * 12L + blockFirstTerms.length * 24L;
    for (byte[] t : blockFirstTerms) {
      bytes += t.length;
    }
    int[] n = norms;
    return bytes + (n == null ? 0 : 16L + 4L * n.length);
  }

  @Override
  public String toString() {
    return "TextIndexReader[" + name + ", maxDoc=" + maxDoc + ", terms=" + numTerms + "]";
  }
}
