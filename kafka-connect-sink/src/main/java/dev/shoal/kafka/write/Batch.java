package dev.shoal.kafka.write;

import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.WriterPosition;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.kafka.mapping.SinkOperation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The operations of one partition for one namespace, in offset order, folded to one operation per
 * document id (see {@link #fold}), waiting to become one atomic write.
 *
 * <p>Not thread-safe: owned by {@link SinkWriter} under its lock, and immutable once sealed.
 */
final class Batch {
  /** One entry per id: an id's operation and its size estimate live together (one lookup). */
  private final Map<String, Slot> operations;

  private final List<Entry> records = new ArrayList<>();
  private final boolean keepEntries;
  private final long createdAtNanos;
  private int recordCount;
  private boolean hasVectors;
  private long firstOffset = -1;
  private long lastOffset = -1;
  private long bytes;

  /**
   * @param keepEntries whether to keep each record as added (see {@link #entries()}); only needed
   *     while a namespace's vector dimension may still be set by another writer first, since
   *     holding records keeps their raw bytes alive
   */
  Batch(long nowNanos, boolean keepEntries) {
    this(nowNanos, keepEntries, 0);
  }

  /**
   * @param expectedIds how many distinct ids the batch will likely hold, to size its table once
   *     instead of growing it step by step
   */
  Batch(long nowNanos, boolean keepEntries, int expectedIds) {
    this.createdAtNanos = nowNanos;
    this.keepEntries = keepEntries;
    this.operations = new LinkedHashMap<>(Math.max(16, (int) (expectedIds / 0.75f) + 1));
  }

  /** An id's folded operation and its estimated size. */
  private static final class Slot {
    SinkOperation operation;
    long bytes;

    Slot(SinkOperation operation, long bytes) {
      this.operation = operation;
      this.bytes = bytes;
    }
  }

  /**
   * Adds a record's operation; a later operation on an id already in the batch is folded into the
   * earlier one.
   *
   * @return whether it was folded (the batch did not grow by one document)
   */
  boolean add(SinkRecord record, long offset, SinkOperation op) {
    if (firstOffset < 0) {
      firstOffset = offset;
    }
    lastOffset = offset;
    recordCount++;
    hasVectors |= op.dimension() > 0;
    if (keepEntries) {
      records.add(new Entry(record, offset, op));
    }
    // An id keeps its first position: ids are distinct, so order across ids does not matter to
    // the engine, and within an id only the folded result remains.
    Slot slot = operations.get(op.id());
    if (slot == null) {
      long size = op.estimatedBytes();
      operations.put(op.id(), new Slot(op, size));
      bytes += size;
      return false;
    }
    SinkOperation result = fold(slot.operation, op);
    long size = result.estimatedBytes();
    bytes += size - slot.bytes;
    slot.operation = result;
    slot.bytes = size;
    return true;
  }

  /**
   * One batch holding {@code parts} (consecutive batches of one lane, in offset order) as if their
   * records had been added to it in that order: operations on one id across parts are folded (see
   * {@link #fold}, which is associative, so folding per part first changes nothing).
   *
   * @param parts at least one batch; they must agree on {@link #keepsEntries()}
   */
  static Batch merge(List<Batch> parts) {
    Batch first = parts.get(0);
    int ids = 0;
    for (Batch part : parts) {
      ids += part.operations.size();
    }
    Batch out = new Batch(first.createdAtNanos, first.keepEntries, ids);
    for (Batch part : parts) {
      if (part.keepEntries != out.keepEntries) {
        throw new IllegalArgumentException(
            "Cannot merge batches that keep entries with ones that do not");
      }
      if (part.isEmpty()) {
        continue;
      }
      if (out.firstOffset < 0) {
        out.firstOffset = part.firstOffset;
      }
      out.lastOffset = part.lastOffset;
      out.recordCount += part.recordCount;
      out.hasVectors |= part.hasVectors;
      out.records.addAll(part.records);
      for (Map.Entry<String, Slot> e : part.operations.entrySet()) {
        Slot later = e.getValue();
        Slot earlier = out.operations.get(e.getKey());
        if (earlier == null) {
          // Slots of sealed parts are never changed again: a copy keeps the parts intact.
          out.operations.put(e.getKey(), new Slot(later.operation, later.bytes));
          out.bytes += later.bytes;
        } else {
          SinkOperation result = fold(earlier.operation, later.operation);
          long size = result.estimatedBytes();
          out.bytes += size - earlier.bytes;
          earlier.operation = result;
          earlier.bytes = size;
        }
      }
    }
    return out;
  }

  /**
   * The single operation equivalent to {@code earlier} followed by {@code later} on one id, so a
   * batch never holds two operations on one id (the engine applies upserts, patches and deletes of
   * one request in that fixed order, which would otherwise reorder them):
   *
   * <ul>
   *   <li>a later upsert or delete replaces whatever came before;
   *   <li>a patch after an upsert is applied to it (an upsert of the patched document);
   *   <li>a patch after a delete changes nothing (patching a missing document is a no-op);
   *   <li>two patches merge, the later one's fields winning.
   * </ul>
   */
  static SinkOperation fold(SinkOperation earlier, SinkOperation later) {
    if (!(later instanceof SinkOperation.Patch p)) {
      return later;
    }
    if (earlier instanceof SinkOperation.Upsert u) {
      return new SinkOperation.Upsert(p.patch().applyTo(u.document()));
    }
    if (earlier instanceof SinkOperation.Delete) {
      return earlier;
    }
    DocumentPatch a = ((SinkOperation.Patch) earlier).patch();
    DocumentPatch b = p.patch();
    return new SinkOperation.Patch(
        new DocumentPatch(
            b.id(),
            b.vector() != null ? b.vector() : a.vector(),
            b.sparse() != null ? b.sparse() : a.sparse(),
            overlay(a.text(), b.text()),
            overlay(a.attrs(), b.attrs())));
  }

  private static <V> Map<String, V> overlay(Map<String, V> base, Map<String, V> top) {
    if (top.isEmpty()) {
      return base;
    }
    Map<String, V> out = new TreeMap<>(base);
    out.putAll(top);
    return out;
  }

  /** The engine request, with the writer position of the batch's last offset if given. */
  WriteRequest toRequest(String writerId, long epoch) {
    WriteRequest.Builder b = WriteRequest.builder().createIfMissing(true);
    for (Slot slot : operations.values()) {
      SinkOperation op = slot.operation;
      if (op instanceof SinkOperation.Upsert u) {
        b.upsert(u.document());
      } else if (op instanceof SinkOperation.Patch p) {
        b.patch(p.patch());
      } else {
        b.delete(op.id());
      }
    }
    if (writerId != null) {
      b.writerPosition(new WriterPosition(writerId, epoch, lastOffset));
    }
    return b.build();
  }

  boolean isEmpty() {
    return recordCount == 0;
  }

  /** Whether {@link #entries()} holds every record added. */
  boolean keepsEntries() {
    return keepEntries;
  }

  boolean hasVectors() {
    return hasVectors;
  }

  /** Distinct documents (the size of the write). */
  int documents() {
    return operations.size();
  }

  /** Records that went into it, folded ones included. */
  int recordCount() {
    return recordCount;
  }

  /** A record as it was added, before folding. */
  record Entry(SinkRecord record, long offset, SinkOperation operation) {}

  /** The records as added, if {@link #keepsEntries()}; empty otherwise. */
  List<Entry> entries() {
    return Collections.unmodifiableList(records);
  }

  long deletes() {
    long n = 0;
    for (Slot slot : operations.values()) {
      if (slot.operation instanceof SinkOperation.Delete) {
        n++;
      }
    }
    return n;
  }

  long bytes() {
    return bytes;
  }

  long firstOffset() {
    return firstOffset;
  }

  long lastOffset() {
    return lastOffset;
  }

  long createdAtNanos() {
    return createdAtNanos;
  }
}
