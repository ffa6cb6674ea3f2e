package dev.shoal.engine.index.text;

import static dev.shoal.engine.index.text.TextIndexFormat.FOOTER_MAGIC;
import static dev.shoal.engine.index.text.TextIndexFormat.FOOTER_SIZE;
import static dev.shoal.engine.index.text.TextIndexFormat.HEADER_SIZE;
import static dev.shoal.engine.index.text.TextIndexFormat.H_META_CRC;
import static dev.shoal.engine.index.text.TextIndexFormat.MAGIC;
import static dev.shoal.engine.index.text.TextIndexFormat.MAX_IMPACTS;
import static dev.shoal.engine.index.text.TextIndexFormat.TERMS_PER_BLOCK;
import static dev.shoal.engine.index.text.TextIndexFormat.VERSION;

import dev.shoal.engine.index.postings.ByteSink;
import dev.shoal.engine.index.postings.Postings;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the inverted index of one text field of one segment (layout in {@link TextIndexFormat}).
 *
 * <p>Add each document that has the field with {@link #add}, in ascending ordinal order (gaps are
 * documents without the field), then call {@link #finish} once with the segment's document count.
 * Memory is proportional to the postings. Not thread-safe: one writer per field and segment.
 */
public final class TextIndexWriter {
  private final Map<String, TermPostings> terms = new HashMap<>();
  private int[] lengths = new int[1024];
  private int lastOrdinal = -1;
  private int docCount;
  private long totalLength;
  private boolean finished;

  /** Postings of one term while building: ordinals and frequencies. */
  private static final class TermPostings {
    int[] docs = new int[2];
    int[] freqs = new int[2];
    int size;

    void add(int doc) {
      if (size > 0 && docs[size - 1] == doc) {
        freqs[size - 1]++;
        return;
      }
      if (size == docs.length) {
        docs = Arrays.copyOf(docs, size * 2);
        freqs = Arrays.copyOf(freqs, size * 2);
      }
      docs[size] = doc;
      freqs[size++] = 1;
    }
  }

  /**
   * Adds a document's analyzed terms (from {@link TextAnalyzer#analyze}). A document whose field
   * has no terms may be skipped or added with an empty list; either way it does not count in the
   * field's statistics.
   *
   * @throws IllegalArgumentException if {@code ordinal} is not above the previous one
   */
  public void add(int ordinal, List<String> tokens) {
    if (finished) {
      throw new IllegalStateException("Cannot add to text index: it is already finished");
    }
    if (ordinal <= lastOrdinal) {
      throw new IllegalArgumentException(
          "Cannot add document "
              + ordinal
              + " to text index: ordinals must ascend, previous was "
              + lastOrdinal);
    }
    lastOrdinal = ordinal;
    if (tokens.isEmpty()) {
      return;
    }
    if (ordinal >= lengths.length) {
      lengths = Arrays.copyOf(lengths, Math.max(ordinal + 1, lengths.length * 2));
    }
    lengths[ordinal] = tokens.size();
    docCount++;
    totalLength += tokens.size();
    for (String t : tokens) {
      TermPostings p = terms.get(t);
      if (p == null) {
        if (t.isEmpty()) {
          throw new IllegalArgumentException(
              "Cannot add document " + ordinal + " to text index: empty term");
        }
        p = new TermPostings();
        terms.put(t, p);
      }
      p.add(ordinal);
    }
  }

  /** Analyzes {@code text} with {@code analyzer} and adds its terms. */
  public void add(int ordinal, String text, TextAnalyzer analyzer) {
    add(ordinal, analyzer.analyze(text));
  }

  /**
   * Writes the index.
   *
   * @param maxDoc the number of ordinals in the segment, above every added ordinal
   */
  public byte[] finish(int maxDoc) {
    if (finished) {
      throw new IllegalStateException("Cannot finish text index: it is already finished");
    }
    if (maxDoc <= lastOrdinal) {
      throw new IllegalArgumentException(
          "Cannot finish text index: maxDoc " + maxDoc + " but ordinal " + lastOrdinal + " added");
    }
    finished = true;
    int n = terms.size();
    byte[][] keys = new byte[n][];
    TermPostings[] values = new TermPostings[n];
    Integer[] order = new Integer[n];
    int t = 0;
    for (Map.Entry<String, TermPostings> e : terms.entrySet()) {
      keys[t] = e.getKey().getBytes(StandardCharsets.UTF_8);
      values[t] = e.getValue();
      order[t] = t;
      t++;
    }
    terms.clear();
    Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(keys[a], keys[b]));

    ByteSink termIndex = new ByteSink();
    ByteSink dict = new ByteSink(Math.max(256, n * 8));
    ByteSink postings = new ByteSink(1 << 16);
    ByteSink block = new ByteSink(4096);
    int[] buf = new int[Postings.BLOCK_SIZE];
    byte[] prevKey = new byte[0];
    int inBlock = 0;
    int blockCount = 0;
    for (int i = 0; i < n; i++) {
      byte[] key = keys[order[i]];
      TermPostings p = values[order[i]];
      if (inBlock == 0) {
        termIndex.writeVInt(key.length);
        termIndex.writeBytes(key);
        termIndex.writeVLong(dict.size());
        blockCount = Math.min(TERMS_PER_BLOCK, n - i);
        block.writeVInt(blockCount);
        prevKey = new byte[0];
      }
      int prefix = Arrays.mismatch(prevKey, key);
      if (prefix < 0) {
        throw new IllegalStateException("duplicate term in text index");
      }
      prefix = Math.min(prefix, Math.min(prevKey.length, key.length));
      block.writeVInt(prefix);
      block.writeVInt(key.length - prefix);
      block.writeBytes(key, prefix, key.length - prefix);
      block.writeVInt(p.size);
      if (p.size == 1) {
        block.writeVInt(p.docs[0]);
        block.writeVInt(p.freqs[0]);
      } else {
        int start = postings.size();
        writePostings(p, postings, buf);
        block.writeVLong(start);
        block.writeVInt(postings.size() - start);
      }
      prevKey = key;
      if (++inBlock == blockCount) {
        block.writeInt(block.crc32c(0));
        termIndex.writeVInt(block.size());
        dict.writeSink(block);
        block = new ByteSink(4096);
        inBlock = 0;
      }
    }

    int maxLength = 0;
    for (int d = 0; d <= lastOrdinal; d++) {
      maxLength = Math.max(maxLength, lengths[d]);
    }
    int normBytes = maxLength <= 0xFF ? 1 : maxLength <= 0xFFFF ? 2 : 4;
    ByteSink norms = new ByteSink(maxDoc * normBytes + 16);
    for (int d = 0; d < maxDoc; d++) {
      int len = d <= lastOrdinal ? lengths[d] : 0;
      switch (normBytes) {
        case 1 -> norms.writeByte(len);
        case 2 -> {
          norms.writeByte(len);
          norms.writeByte(len >>> 8);
        }
        default -> norms.writeInt(len);
      }
    }
    lengths = null;

    long dictOffset = HEADER_SIZE + (long) termIndex.size();
    long postingsOffset = dictOffset + dict.size();
    long normsOffset = postingsOffset + postings.size();
    long total = normsOffset + norms.size() + FOOTER_SIZE;
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException(
          "Cannot write text index: " + total + " bytes exceeds the 2 GiB section limit");
    }
    ByteSink out = new ByteSink((int) total);
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeLong(total);
    out.writeInt(maxDoc);
    out.writeInt(docCount);
    out.writeLong(totalLength);
    out.writeLong(n);
    out.writeInt(termIndex.size());
    out.writeInt(normBytes);
    out.writeLong(dictOffset);
    out.writeLong(dict.size());
    out.writeLong(postingsOffset);
    out.writeLong(postings.size());
    out.writeLong(normsOffset);
    out.writeLong(norms.size());
    out.writeInt(norms.crc32c(0));
    out.writeInt(0); // meta CRC, set below
    out.writeSink(termIndex);
    ByteSink meta = new ByteSink(H_META_CRC + termIndex.size());
    byte[] head = out.toByteArray();
    meta.writeBytes(head, 0, H_META_CRC);
    meta.writeSink(termIndex);
    out.setInt(H_META_CRC, meta.crc32c(0));
    out.writeSink(dict);
    out.writeSink(postings);
    out.writeSink(norms);
    out.writeInt(out.crc32c(0));
    out.writeInt(FOOTER_MAGIC);
    return out.toByteArray();
  }

  /** One term's postings list: skip table, blocks, CRC32C. */
  private void writePostings(TermPostings p, ByteSink out, int[] buf) {
    int start = out.size();
    ByteSink blocks = new ByteSink(Math.max(64, p.size * 2));
    ByteSink skip = new ByteSink(64);
    int prevDoc = -1;
    int prevLast = -1;
    int[] impactTf = new int[Postings.BLOCK_SIZE];
    int[] impactLen = new int[Postings.BLOCK_SIZE];
    for (int from = 0; from < p.size; from += Postings.BLOCK_SIZE) {
      int count = Math.min(Postings.BLOCK_SIZE, p.size - from);
      int blockStart = blocks.size();
      int maxBits = 0;
      for (int j = 0; j < count; j++) {
        int doc = p.docs[from + j];
        buf[j] = doc - prevDoc - 1;
        maxBits |= buf[j];
        prevDoc = doc;
      }
      int bits = Postings.bitsRequired(maxBits);
      blocks.writeByte(bits);
      blocks.writePacked(buf, count, bits);
      maxBits = 0;
      for (int j = 0; j < count; j++) {
        buf[j] = p.freqs[from + j] - 1;
        maxBits |= buf[j];
      }
      bits = Postings.bitsRequired(maxBits);
      blocks.writeByte(bits);
      blocks.writePacked(buf, count, bits);

      int impacts = frontier(p, from, count, impactTf, impactLen);
      skip.writeVInt(prevDoc - prevLast);
      skip.writeVInt(blocks.size() - blockStart);
      skip.writeVInt(impacts);
      int pt = 0;
      int pl = -1;
      for (int j = 0; j < impacts; j++) {
        skip.writeVInt(impactTf[j] - pt - 1);
        skip.writeVInt(impactLen[j] - pl - 1);
        pt = impactTf[j];
        pl = impactLen[j];
      }
      prevLast = prevDoc;
    }
    out.writeSink(skip);
    out.writeSink(blocks);
    out.writeInt(out.crc32c(start));
  }

  /**
   * The (tf, length) pairs of a block that no other pair beats in both tf (higher) and length
   * (lower), by ascending tf (and so ascending length); capped at {@link
   * TextIndexFormat#MAX_IMPACTS} by merging the longest ones into one pair that still bounds them.
   */
  private int frontier(TermPostings p, int from, int count, int[] tfOut, int[] lenOut) {
    long[] pairs = new long[count];
    for (int j = 0; j < count; j++) {
      int tf = p.freqs[from + j];
      int len = lengths[p.docs[from + j]];
      // Sort by tf descending, then length ascending.
      pairs[j] = ((long) (Integer.MAX_VALUE - tf) << 32) | len;
    }
    Arrays.sort(pairs);
    int m = 0;
    int bestLen = Integer.MAX_VALUE;
    for (long pair : pairs) {
      int tf = Integer.MAX_VALUE - (int) (pair >>> 32);
      int len = (int) pair;
      if (len < bestLen) {
        tfOut[m] = tf;
        lenOut[m] = len;
        m++;
        bestLen = len;
      }
    }
    // Now by descending tf and descending length; reverse to ascending.
    for (int a = 0, b = m - 1; a < b; a++, b--) {
      int x = tfOut[a];
      tfOut[a] = tfOut[b];
      tfOut[b] = x;
      x = lenOut[a];
      lenOut[a] = lenOut[b];
      lenOut[b] = x;
    }
    if (m > MAX_IMPACTS) {
      tfOut[MAX_IMPACTS - 1] = tfOut[m - 1];
      m = MAX_IMPACTS;
    }
    return m;
  }
}
