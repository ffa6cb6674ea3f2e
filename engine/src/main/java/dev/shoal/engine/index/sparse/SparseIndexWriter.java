package dev.shoal.engine.index.sparse;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.index.postings.ByteSink;
import dev.shoal.engine.index.postings.Postings;
import dev.shoal.engine.model.SparseVector;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds a segment's sparse-vector index. Layout (little-endian; vint/vlong 7-bit variable length):
 *
 * <pre>
 * header     magic "SHSP", version, total bytes (long), maxDoc, dimension count, directory length,
 *              postings offset (long), postings length (long), CRC32C of header and directory
 *              ({@link #HEADER_SIZE} bytes)
 * directory  per dimension, ascending: vint dimension delta, vint df, vlong postings offset delta,
 *              vint postings length, float max value, float min value; loaded on open
 * postings   per dimension: skip table (per block of 128: vint last-doc delta, vint block bytes,
 *              float max, float min), blocks (byte bits, packed doc deltas minus one, float values),
 *              CRC32C of the list
 * footer     CRC32C of everything before it, magic "PSHS"
 * </pre>
 *
 * <p>Add vectors in ascending ordinal order, then {@link #finish}. Not thread-safe.
 */
public final class SparseIndexWriter {
  static final int MAGIC = 0x50534853; // "SHSP"
  static final int FOOTER_MAGIC = 0x53485350; // "PSHS"
  static final int VERSION = 1;
  static final int HEADER_SIZE = 52;
  static final int FOOTER_SIZE = 8;

  private final Map<Integer, DimPostings> dims = new HashMap<>();
  private int lastOrdinal = -1;
  private boolean finished;

  private static final class DimPostings {
    int[] docs = new int[2];
    float[] values = new float[2];
    int size;

    void add(int doc, float value) {
      if (size == docs.length) {
        docs = Arrays.copyOf(docs, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      docs[size] = doc;
      values[size++] = value;
    }
  }

  /**
   * Adds a document's sparse vector.
   *
   * @throws IllegalArgumentException if {@code ordinal} is not above the previous one
   */
  public void add(int ordinal, SparseVector vector) {
    requireNonNull(vector, "vector is null");
    if (finished) {
      throw new IllegalStateException("Cannot add to sparse index: it is already finished");
    }
    if (ordinal <= lastOrdinal) {
      throw new IllegalArgumentException(
          "Cannot add document "
              + ordinal
              + " to sparse index: ordinals must ascend, previous was "
              + lastOrdinal);
    }
    lastOrdinal = ordinal;
    int[] idx = vector.indices();
    float[] val = vector.values();
    for (int i = 0; i < idx.length; i++) {
      dims.computeIfAbsent(idx[i], d -> new DimPostings()).add(ordinal, val[i]);
    }
  }

  /** Writes the index; {@code maxDoc} is the segment's ordinal count. */
  public byte[] finish(int maxDoc) {
    if (finished) {
      throw new IllegalStateException("Cannot finish sparse index: it is already finished");
    }
    if (maxDoc <= lastOrdinal) {
      throw new IllegalArgumentException(
          "Cannot finish sparse index: maxDoc "
              + maxDoc
              + " but ordinal "
              + lastOrdinal
              + " added");
    }
    finished = true;
    int[] keys = dims.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    ByteSink dir = new ByteSink();
    ByteSink postings = new ByteSink(1 << 16);
    int[] buf = new int[Postings.BLOCK_SIZE];
    int prevDim = 0;
    long prevOffset = 0;
    for (int dim : keys) {
      DimPostings p = dims.get(dim);
      int start = postings.size();
      float[] minMax = writeList(p, postings, buf);
      dir.writeVInt(dim - prevDim);
      dir.writeVInt(p.size);
      dir.writeVLong(start - prevOffset);
      dir.writeVInt(postings.size() - start);
      dir.writeFloat(minMax[1]);
      dir.writeFloat(minMax[0]);
      prevDim = dim;
      prevOffset = start;
    }
    dims.clear();
    long postingsOffset = HEADER_SIZE + (long) dir.size();
    long total = postingsOffset + postings.size() + FOOTER_SIZE;
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException(
          "Cannot write sparse index: " + total + " bytes exceeds the 2 GiB section limit");
    }
    ByteSink out = new ByteSink((int) total);
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeLong(total);
    out.writeInt(maxDoc);
    out.writeInt(keys.length);
    out.writeInt(dir.size());
    out.writeInt(0); // reserved
    out.writeLong(postingsOffset);
    out.writeLong(postings.size());
    out.writeSink(dir);
    ByteSink meta = new ByteSink();
    byte[] head = out.toByteArray();
    meta.writeBytes(head, 0, HEADER_SIZE - 4);
    meta.writeSink(dir);
    // The CRC field sits at the end of the header; insert it before the directory.
    ByteSink fixed = new ByteSink((int) total);
    fixed.writeBytes(head, 0, HEADER_SIZE - 4);
    fixed.writeInt(meta.crc32c(0));
    fixed.writeSink(dir);
    fixed.writeSink(postings);
    fixed.writeInt(fixed.crc32c(0));
    fixed.writeInt(FOOTER_MAGIC);
    return fixed.toByteArray();
  }

  /** Writes one dimension's list; returns its {min, max} value. */
  private static float[] writeList(DimPostings p, ByteSink out, int[] buf) {
    int start = out.size();
    ByteSink skip = new ByteSink(64);
    ByteSink blocks = new ByteSink(Math.max(64, p.size * 6));
    int prevDoc = -1;
    int prevLast = -1;
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (int from = 0; from < p.size; from += Postings.BLOCK_SIZE) {
      int count = Math.min(Postings.BLOCK_SIZE, p.size - from);
      int blockStart = blocks.size();
      int bitsOr = 0;
      float bmin = Float.POSITIVE_INFINITY;
      float bmax = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < count; j++) {
        int doc = p.docs[from + j];
        buf[j] = doc - prevDoc - 1;
        bitsOr |= buf[j];
        prevDoc = doc;
        bmin = Math.min(bmin, p.values[from + j]);
        bmax = Math.max(bmax, p.values[from + j]);
      }
      int bits = Postings.bitsRequired(bitsOr);
      blocks.writeByte(bits);
      blocks.writePacked(buf, count, bits);
      for (int j = 0; j < count; j++) {
        blocks.writeFloat(p.values[from + j]);
      }
      skip.writeVInt(prevDoc - prevLast);
      skip.writeVInt(blocks.size() - blockStart);
      skip.writeFloat(bmax);
      skip.writeFloat(bmin);
      prevLast = prevDoc;
      min = Math.min(min, bmin);
      max = Math.max(max, bmax);
    }
    out.writeSink(skip);
    out.writeSink(blocks);
    out.writeInt(out.crc32c(start));
    return new float[] {min, max};
  }
}
