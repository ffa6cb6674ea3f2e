package dev.shoal.engine.index.sparse;

import static dev.shoal.engine.index.sparse.SparseIndexWriter.FOOTER_MAGIC;
import static dev.shoal.engine.index.sparse.SparseIndexWriter.FOOTER_SIZE;
import static dev.shoal.engine.index.sparse.SparseIndexWriter.HEADER_SIZE;
import static dev.shoal.engine.index.sparse.SparseIndexWriter.MAGIC;
import static dev.shoal.engine.index.sparse.SparseIndexWriter.VERSION;
import static java.util.Objects.requireNonNull;

import dev.shoal.engine.index.Bits;
import dev.shoal.engine.index.RangeReader;
import dev.shoal.engine.index.postings.DoubleTopK;
import dev.shoal.engine.index.postings.Postings;
import dev.shoal.engine.index.postings.SearchStats;
import dev.shoal.engine.index.postings.TopHits;
import dev.shoal.engine.model.SparseVector;
import dev.shoal.engine.storage.CorruptObjectException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Searches a segment's sparse-vector index (written by {@link SparseIndexWriter}) by dot product.
 *
 * <p>A document is a hit when it shares at least one dimension with the query; its score is {@code
 * query.dot(vector)}, bit for bit: contributions {@code (double) q * v} are added in ascending
 * dimension order, as {@link SparseVector#dot} does. Equal scores come by ascending ordinal.
 *
 * <p>Search is document-at-a-time MaxScore: dimensions are ordered by the most they can add (from
 * per-list and per-block maximum and minimum values, so negative values are handled; a dimension's
 * bound is never taken below 0); documents that only appear in dimensions whose bounds add up to no
 * more than the current k-th score are never visited, and candidates stop being completed once
 * their bound falls to it. With many negative values, pruning weakens toward an exact accumulation
 * but results stay exact.
 *
 * <p>Thread-safe: immutable after {@link #open}.
 */
public final class SparseIndexReader {
  private final RangeReader in;
  private final String name;
  private final int maxDoc;
  private final int[] dims;
  private final int[] docFreqs;
  private final long[] offsets;
  private final int[] lengths;

  private SparseIndexReader(RangeReader in, String name, ByteBuffer head, ByteBuffer dir) {
    this.in = in;
    this.name = name;
    this.maxDoc = head.getInt(16);
    int n = head.getInt(20);
    long postingsOffset = head.getLong(32);
    long postingsLength = head.getLong(40);
    check(maxDoc >= 0 && n >= 0, "bad counts");
    check(postingsOffset == HEADER_SIZE + (long) dir.limit(), "postings are misplaced");
    check(postingsOffset + postingsLength == in.length() - FOOTER_SIZE, "sections do not fill it");
    dims = new int[n];
    docFreqs = new int[n];
    offsets = new long[n];
    lengths = new int[n];
    long dim = 0;
    long off = 0;
    for (int i = 0; i < n; i++) {
      dim += Postings.readVInt(dir);
      docFreqs[i] = Postings.readVInt(dir);
      off += Postings.readVLong(dir);
      lengths[i] = Postings.readVInt(dir);
      dir.getFloat();
      dir.getFloat();
      check(dim <= Integer.MAX_VALUE && (i == 0 || dim > dims[i - 1]), "dimensions out of order");
      check(docFreqs[i] >= 1 && docFreqs[i] <= maxDoc, "bad document frequency");
      check(lengths[i] > 4 && off + lengths[i] <= postingsLength, "postings out of range");
      dims[i] = (int) dim;
      offsets[i] = postingsOffset + off;
    }
    check(!dir.hasRemaining(), "directory has trailing bytes");
  }

  /**
   * Opens an index, verifying its header and dimension directory.
   *
   * @param name names the index in errors, e.g. {@code "segments/00042.seg sparse"}
   * @throws CorruptObjectException if the bytes are not a valid index of this version
   */
  public static SparseIndexReader open(RangeReader in, String name) {
    requireNonNull(in, "in is null");
    requireNonNull(name, "name is null");
    try {
      long length = in.length();
      if (length < HEADER_SIZE + FOOTER_SIZE) {
        throw new CorruptObjectException(
            name, "sparse index is truncated: " + length + " bytes, less than a header");
      }
      ByteBuffer head = in.read(0, HEADER_SIZE);
      if (head.getInt(0) != MAGIC) {
        throw new CorruptObjectException(
            name, "not a sparse index: magic " + Integer.toHexString(head.getInt(0)));
      }
      if (head.getInt(4) != VERSION) {
        throw new CorruptObjectException(
            name,
            "sparse index format version "
                + head.getInt(4)
                + " is not supported (this build reads "
                + VERSION
                + ")");
      }
      if (head.getLong(8) != length) {
        throw new CorruptObjectException(
            name,
            "sparse index is truncated or padded: header says "
                + head.getLong(8)
                + " bytes, found "
                + length);
      }
      int dirLength = head.getInt(24);
      if (dirLength < 0 || HEADER_SIZE + (long) dirLength > length - FOOTER_SIZE) {
        throw new CorruptObjectException(name, "sparse index header is corrupt");
      }
      ByteBuffer dir = in.read(HEADER_SIZE, dirLength);
      CRC32C crc = new CRC32C();
      crc.update(head.duplicate().position(0).limit(HEADER_SIZE - 4));
      crc.update(dir.duplicate());
      if ((int) crc.getValue() != head.getInt(HEADER_SIZE - 4)) {
        throw new CorruptObjectException(name, "sparse index header checksum mismatch");
      }
      return new SparseIndexReader(in, name, head, dir.duplicate().order(dir.order()));
    } catch (BufferUnderflowException | IllegalStateException | IndexOutOfBoundsException e) {
      throw new CorruptObjectException(name, "sparse index is corrupt: " + e.getMessage(), e);
    }
  }

  private void check(boolean ok, String what) {
    if (!ok) {
      throw new CorruptObjectException(name, "sparse index is corrupt: " + what);
    }
  }

  public int maxDoc() {
    return maxDoc;
  }

  /** Distinct dimensions with postings. */
  public int dimensionCount() {
    return dims.length;
  }

  /** The top {@code k} documents among {@code allowed} by dot product with {@code query}. */
  public TopHits search(SparseVector query, int k, Bits allowed) {
    return search(query, k, allowed, true);
  }

  TopHits search(SparseVector query, int k, Bits allowed, boolean prune) {
    requireNonNull(query, "query is null");
    requireNonNull(allowed, "allowed is null");
    if (k < 1) {
      throw new IllegalArgumentException("Cannot search: k must be at least 1, got " + k);
    }
    List<long[]> ranges = new ArrayList<>();
    List<int[]> found = new ArrayList<>(); // {query index, directory slot}
    long total = 0;
    for (int i = 0; i < query.size(); i++) {
      int slot = Arrays.binarySearch(dims, query.indices()[i]);
      if (slot >= 0) {
        ranges.add(new long[] {offsets[slot], lengths[slot]});
        found.add(new int[] {i, slot});
        total += docFreqs[slot];
      }
    }
    if (found.isEmpty()) {
      return TopHits.empty(SearchStats.EMPTY);
    }
    List<ByteBuffer> lists = in.readAll(ranges);
    SparseCursor[] cursors = new SparseCursor[found.size()];
    try {
      for (int c = 0; c < cursors.length; c++) {
        ByteBuffer list = lists.get(c);
        int len = list.limit();
        int slot = found.get(c)[1];
        if (Postings.crc32c(list, 0, len - 4) != list.getInt(len - 4)) {
          throw new CorruptObjectException(
              name,
              "sparse index is corrupt: postings of dimension "
                  + dims[slot]
                  + " checksum mismatch");
        }
        int qi = found.get(c)[0];
        cursors[c] = new SparseCursor(qi, query.values()[qi], docFreqs[slot], list, maxDoc);
      }
      return new SparseMaxScore(cursors, k, allowed, prune, total).run();
    } catch (BufferUnderflowException | IllegalStateException | IndexOutOfBoundsException e) {
      throw new CorruptObjectException(
          name, "sparse index is corrupt: postings do not decode: " + e.getMessage(), e);
    }
  }

  /**
   * Exhaustive search over vectors in memory (the WAL tail): the same hits and scores as an index
   * over them would give. {@code vectors.get(i)} is ordinal {@code i}'s vector, or null.
   */
  public static TopHits searchExhaustive(
      List<SparseVector> vectors, SparseVector query, int k, Bits allowed) {
    requireNonNull(query, "query is null");
    DoubleTopK top = new DoubleTopK(k);
    long scored = 0;
    long candidates = 0;
    for (int d = 0; d < vectors.size(); d++) {
      SparseVector v = vectors.get(d);
      if (v == null || !allowed.get(d)) {
        continue;
      }
      int shared = sharedDimensions(query, v);
      if (shared > 0) {
        scored += shared;
        candidates++;
        top.offer(d, query.dot(v));
      }
    }
    return top.toHits(new SearchStats(scored, scored, 0, 0, candidates));
  }

  private static int sharedDimensions(SparseVector a, SparseVector b) {
    int n = 0;
    int i = 0;
    int j = 0;
    while (i < a.size() && j < b.size()) {
      int x = a.indices()[i];
      int y = b.indices()[j];
      if (x == y) {
        n++;
        i++;
        j++;
      } else if (x < y) {
        i++;
      } else {
        j++;
      }
    }
    return n;
  }

  /** Reads the whole index and checks its footer checksum. */
  public void verifyChecksum() {
    long end = in.length() - FOOTER_SIZE;
    CRC32C crc = new CRC32C();
    for (long pos = 0; pos < end; pos += 1 << 20) {
      crc.update(in.read(pos, (int) Math.min(1 << 20, end - pos)));
    }
    ByteBuffer footer = in.read(end, FOOTER_SIZE);
    if (footer.getInt(4) != FOOTER_MAGIC || (int) crc.getValue() != footer.getInt(0)) {
      throw new CorruptObjectException(name, "sparse index checksum mismatch");
    }
  }

  public long ramBytesUsed() {
    return 64L + dims.length * 24L;
  }

  @Override
  public String toString() {
    return "SparseIndexReader[" + name + ", maxDoc=" + maxDoc + ", dims=" + dims.length + "]";
  }
}
