package dev.shoal.flink.writer;

import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.engine.model.SparseVector;
import dev.shoal.flink.ShoalWrite;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One namespace's pending changes, folded to the last change per id.
 *
 * <p>A write request applies its upserts, then its patches, then its deletes, whatever order the
 * records came in. Folding makes that order irrelevant: each id ends up with exactly one kind of
 * change (an upsert, a delete, or a chain of patches), which gives the same final document as
 * applying the stream's changes one by one:
 *
 * <ul>
 *   <li>an upsert or a delete replaces whatever the id had;
 *   <li>a patch after an upsert is applied to the upserted document;
 *   <li>a patch after a delete changes nothing (a patch of a missing document is a no-op);
 *   <li>patches after patches are kept in order.
 * </ul>
 *
 * Not thread-safe: owned by the writer's task thread.
 */
final class ChangeBuffer {
  private sealed interface Change permits Upsert, Delete, Patches {}

  private record Upsert(Document document) implements Change {}

  private record Delete() implements Change {}

  private record Patches(List<DocumentPatch> patches) implements Change {}

  private static final Delete DELETE = new Delete();

  /** Buffers are presized for a full batch, up to this many ids (a selector may open many). */
  private static final int MAX_PRESIZE = 1 << 14;

  private final Map<String, Change> changes;
  private final List<String> order;
  private int records;
  private long bytes;
  private long firstAddedNanos;

  ChangeBuffer() {
    this(16);
  }

  /** A buffer sized for about {@code expectedIds} ids, so a full batch does not rehash. */
  ChangeBuffer(int expectedIds) {
    int n = Math.max(1, Math.min(expectedIds, MAX_PRESIZE));
    this.changes = new HashMap<>((int) (n / 0.75f) + 1);
    this.order = new ArrayList<>(n);
  }

  /** Adds a change; returns whether it replaced or extended a pending change of the same id. */
  boolean add(ShoalWrite write, long nowNanos) {
    if (changes.isEmpty()) {
      firstAddedNanos = nowNanos;
    }
    String id = write.id();
    Change before;
    Change after;
    // Upserts and deletes replace whatever was pending: one map lookup (put) per record.
    if (write instanceof ShoalWrite.Upsert u) {
      after = new Upsert(u.document());
      before = changes.put(id, after);
    } else if (write instanceof ShoalWrite.Delete) {
      after = DELETE;
      before = changes.put(id, after);
    } else {
      before = changes.get(id);
      DocumentPatch patch = ((ShoalWrite.Patch) write).patch();
      if (before instanceof Upsert u) {
        after = new Upsert(patch.applyTo(u.document()));
      } else if (before instanceof Delete) {
        after = DELETE;
      } else if (before instanceof Patches p) {
        List<DocumentPatch> chain = new ArrayList<>(p.patches());
        chain.add(patch);
        after = new Patches(chain);
      } else {
        after = new Patches(List.of(patch));
      }
      changes.put(id, after);
    }
    records += count(after) - (before == null ? 0 : count(before));
    bytes += estimateBytes(write);
    if (before == null) {
      order.add(id);
    }
    return before != null;
  }

  boolean isEmpty() {
    return changes.isEmpty();
  }

  /** Records the request will hold (one per id, or one per patch of a patch chain). */
  int records() {
    return records;
  }

  /** Approximate encoded size of everything added (replaced changes included). */
  long bytes() {
    return bytes;
  }

  long firstAddedNanos() {
    return firstAddedNanos;
  }

  /** The changes as one write request, ids in first-seen order within each kind. */
  WriteRequest toRequest() {
    WriteRequest.Builder b = WriteRequest.builder();
    for (String id : order) {
      Change c = changes.get(id);
      if (c instanceof Upsert u) {
        b.upsert(u.document());
      } else if (c instanceof Patches p) {
        b.patches(p.patches());
      } else {
        b.delete(id);
      }
    }
    return b.build();
  }

  private static int count(Change c) {
    return c instanceof Patches p ? p.patches().size() : 1;
  }

  /** A rough size of a change as the WAL encodes it: enough to bound batches in bytes. */
  static long estimateBytes(ShoalWrite write) {
    if (write instanceof ShoalWrite.Upsert u) {
      Document d = u.document();
      return 16
          + d.id().length()
          + 4L * d.dimension()
          + sparseBytes(d.sparse())
          + mapBytes(d.text())
          + mapBytes(d.attrs());
    }
    if (write instanceof ShoalWrite.Patch p) {
      DocumentPatch d = p.patch();
      return 16
          + d.id().length()
          + 4L * d.dimension()
          + sparseBytes(d.sparse())
          + mapBytes(d.text())
          + mapBytes(d.attrs());
    }
    return 16 + write.id().length();
  }

  private static long sparseBytes(SparseVector s) {
    return s == null ? 0 : 8L * s.size();
  }

  private static long mapBytes(Map<String, ?> map) {
    long n = 0;
    for (Map.Entry<String, ?> e : map.entrySet()) {
      Object v = e.getValue();
      n += 4 + e.getKey().length() + (v instanceof String s ? s.length() : 12);
    }
    return n;
  }
}
