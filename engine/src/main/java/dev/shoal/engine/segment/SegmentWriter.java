package dev.shoal.engine.segment;

import dev.shoal.engine.index.sparse.SparseIndexWriter;
import dev.shoal.engine.index.text.TextAnalyzer;
import dev.shoal.engine.index.text.TextIndexWriter;
import dev.shoal.engine.index.vector.IvfIndexWriter;
import dev.shoal.engine.internal.ByteWriter;
import dev.shoal.engine.internal.Checksums;
import dev.shoal.engine.internal.DocumentCodec;
import dev.shoal.engine.manifest.SectionRef;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.Document;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Encodes sorted entries into a segment object with its indexes (see {@link SegmentFormat}).
 * Stateless; each call builds one segment in memory.
 */
public final class SegmentWriter {

  /**
   * A segment's bytes and what the manifest records about it.
   *
   * @param sections where each section lies, by name
   */
  public record Written(
      byte[] bytes,
      Map<String, SectionRef> sections,
      int liveDocs,
      int tombstones,
      long minSeq,
      long maxSeq) {}

  /**
   * Segments with fewer vectors get a flat (exact) vector index: clustering them costs more at
   * every compaction than it saves at query time, and most of them are young segments that the next
   * merge replaces.
   */
  static final int FLAT_BELOW = 16_384;

  /**
   * Lloyd iterations when clustering a segment's vectors. Compaction runs them on every merge, in
   * the background of writers; the assignment moves little after the first few, and search
   * re-scores exactly, so recall barely depends on the last ones.
   */
  static final int KMEANS_ITERATIONS = 4;

  private SegmentWriter() {}

  /**
   * Writes a segment.
   *
   * @param entries sorted by id, ids unique
   * @param metric the namespace's metric, for the vector index
   * @param analyzer the namespace's text analyzer, for the text indexes
   * @throws IllegalArgumentException if the entries are not sorted or mix vector dimensions
   */
  public static Written write(
      List<SegmentEntry> entries, DistanceMetric metric, TextAnalyzer analyzer) {
    int n = entries.size();
    int dim = 0;
    int live = 0;
    int withVector = 0;
    long minSeq = Long.MAX_VALUE;
    long maxSeq = 0;
    TreeSet<String> attrNames = new TreeSet<>();
    TreeSet<String> textFields = new TreeSet<>();
    boolean sparse = false;
    for (int i = 0; i < n; i++) {
      SegmentEntry e = entries.get(i);
      if (i > 0 && entries.get(i - 1).id().compareTo(e.id()) >= 0) {
        throw new IllegalArgumentException(
            "Cannot write segment: entries not sorted by id at " + e.id());
      }
      minSeq = Math.min(minSeq, e.seq());
      maxSeq = Math.max(maxSeq, e.seq());
      Document d = e.document();
      if (d == null) {
        continue;
      }
      live++;
      attrNames.addAll(d.attrs().keySet());
      textFields.addAll(d.text().keySet());
      sparse |= d.sparse() != null;
      if (d.vector() != null) {
        if (dim != 0 && dim != d.vector().length) {
          throw new IllegalArgumentException(
              "Cannot write segment: vector dimensions " + dim + " and " + d.vector().length);
        }
        dim = d.vector().length;
        withVector++;
      }
    }
    if (n == 0) {
      minSeq = 0;
    }

    ByteWriter out = new ByteWriter(1024 + n * 64);
    out.writeInt(SegmentFormat.MAGIC);
    out.writeByte(SegmentFormat.FORMAT_VERSION);
    Map<String, SectionRef> sections = new LinkedHashMap<>();

    int start = out.size();
    out.writeVarInt(n);
    out.writeVarInt(live);
    out.writeVarInt(dim);
    out.writeByte(metric.ordinal());
    out.writeVarLong(minSeq);
    out.writeVarLong(maxSeq);
    writeNames(out, attrNames);
    writeNames(out, textFields);
    out.writeByte(sparse ? 1 : 0);
    section(out, sections, SegmentFormat.META, start);

    start = out.size();
    for (SegmentEntry e : entries) {
      out.writeString(e.id());
    }
    long prev = 0;
    for (SegmentEntry e : entries) {
      out.writeZLong(e.seq() - prev);
      prev = e.seq();
    }
    writeBits(out, entries, SegmentEntry::tombstone);
    section(out, sections, SegmentFormat.IDS, start);

    start = out.size();
    for (String name : attrNames) {
      out.writeString(name);
      for (SegmentEntry e : entries) {
        DocumentCodec.writeValue(out, e.document() == null ? null : e.document().attrs().get(name));
      }
    }
    section(out, sections, SegmentFormat.ATTRS, start);

    // Which entries have a vector; the vector index numbers them 0..m-1 in entry order and holds
    // the only copy of the floats.
    start = out.size();
    writeBits(out, entries, e -> e.document() != null && e.document().vector() != null);
    section(out, sections, SegmentFormat.VECTORS, start);
    float[] flat = new float[withVector * dim];
    int row = 0;
    for (SegmentEntry e : entries) {
      if (e.document() != null && e.document().vector() != null) {
        System.arraycopy(e.document().vector(), 0, flat, row++ * dim, dim);
      }
    }

    if (withVector > 0) {
      start = out.size();
      byte[] ann =
          IvfIndexWriter.builder(metric, dim)
              .flatThreshold(FLAT_BELOW)
              .kmeansIterations(KMEANS_ITERATIONS)
              .build()
              .write(flat);
      out.writeBytes(ann, 0, ann.length);
      section(out, sections, SegmentFormat.ANN, start);
    }

    for (String field : textFields) {
      TextIndexWriter text = new TextIndexWriter();
      for (int i = 0; i < n; i++) {
        Document d = entries.get(i).document();
        String value = d == null ? null : d.text().get(field);
        if (value != null) {
          text.add(i, analyzer.analyze(value));
        }
      }
      start = out.size();
      byte[] index = text.finish(n);
      out.writeBytes(index, 0, index.length);
      section(out, sections, SegmentFormat.TEXT_PREFIX + field, start);
    }

    if (sparse) {
      SparseIndexWriter index = new SparseIndexWriter();
      for (int i = 0; i < n; i++) {
        Document d = entries.get(i).document();
        if (d != null && d.sparse() != null) {
          index.add(i, d.sparse());
        }
      }
      start = out.size();
      byte[] bytes = index.finish(n);
      out.writeBytes(bytes, 0, bytes.length);
      section(out, sections, SegmentFormat.SPARSE, start);
    }

    start = out.size();
    ByteWriter rows = new ByteWriter(n * 16);
    int[] offsets = new int[n + 1];
    for (int i = 0; i < n; i++) {
      offsets[i] = rows.size();
      Document d = entries.get(i).document();
      if (d == null) {
        rows.writeByte(0);
        continue;
      }
      rows.writeByte(d.sparse() == null ? 1 : 2);
      rows.writeVarInt(d.text().size());
      for (Map.Entry<String, String> t : d.text().entrySet()) {
        rows.writeString(t.getKey());
        rows.writeString(t.getValue());
      }
      if (d.sparse() != null) {
        DocumentCodec.writeSparse(rows, d.sparse());
      }
    }
    offsets[n] = rows.size();
    for (int off : offsets) {
      out.writeInt(off);
    }
    out.writeBytes(rows.array(), 0, rows.size());
    section(out, sections, SegmentFormat.STORED, start);

    long directory = out.size();
    out.writeVarInt(sections.size());
    for (Map.Entry<String, SectionRef> s : sections.entrySet()) {
      out.writeString(s.getKey());
      out.writeLong(s.getValue().offset());
      out.writeLong(s.getValue().length());
      out.writeInt((int) s.getValue().crc32c());
    }
    out.writeLong(directory);
    Checksums.writeFooter(out);
    return new Written(out.toByteArray(), sections, live, n - live, minSeq, maxSeq);
  }

  private static void writeNames(ByteWriter out, Collection<String> names) {
    out.writeVarInt(names.size());
    for (String name : names) {
      out.writeString(name);
    }
  }

  private static void section(
      ByteWriter out, Map<String, SectionRef> sections, String name, int start) {
    int length = out.size() - start;
    sections.put(
        name,
        new SectionRef(start, length, Checksums.crc32c(out.array(), start, length) & 0xFFFFFFFFL));
  }

  private static void writeBits(
      ByteWriter out, List<SegmentEntry> entries, Predicate<SegmentEntry> bit) {
    int n = entries.size();
    byte[] bits = new byte[(n + 7) / 8];
    for (int i = 0; i < n; i++) {
      if (bit.test(entries.get(i))) {
        bits[i >>> 3] |= (byte) (1 << (i & 7));
      }
    }
    out.writeBytes(bits, 0, bits.length);
  }

  /** Sorts entries by id (for callers that build them from a map). */
  public static List<SegmentEntry> sorted(Collection<SegmentEntry> entries) {
    List<SegmentEntry> out = new ArrayList<>(entries);
    out.sort(Comparator.comparing(SegmentEntry::id));
    return out;
  }
}
