package dev.shoal.flink.writer;

import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.engine.wal.EncodedWalBatch;
import dev.shoal.engine.wal.WalBatchBuilder;
import dev.shoal.flink.ShoalWrite;
import java.util.Arrays;

/**
 * One namespace's pending changes, folded to the last change per id and encoded as WAL records as
 * they arrive.
 *
 * <p>Each id ends up with exactly one kind of change (an upsert, a delete, or a chain of patches),
 * which gives the same final document as applying the stream's changes one by one:
 *
 * <ul>
 *   <li>an upsert or a delete replaces whatever the id had;
 *   <li>a patch after an upsert is applied to the upserted document;
 *   <li>a patch after a delete changes nothing (a patch of a missing document is a no-op);
 *   <li>patches after patches are kept in order.
 * </ul>
 *
 * <p>Records are encoded at once, while the change is fresh in the cache, into a buffer that is
 * kept from batch to batch (a {@link WalBatchBuilder}); a replaced change's record is dropped. So a
 * full batch is bytes ready to store, not thousands of objects that live until the batch is sent
 * (and get copied by every young collection meanwhile).
 *
 * <p>Not thread-safe: owned by the writer's task thread.
 */
final class ChangeBuffer {
  private static final byte UPSERT = 1;
  private static final byte PATCH = 2;
  private static final byte DELETE = 3;

  /** The id map is presized for a full batch, up to this many ids (a selector may open many). */
  private static final int MAX_PRESIZE = 1 << 14;

  private final WalBatchBuilder records = new WalBatchBuilder(64 << 10);

  // The last record of each id: open addressing with linear probing over ids[], hashes[] and
  // last[]. Comparing hashes first keeps a probe from reading the (cold) id strings of other slots.
  private String[] ids;
  private int[] hashes;
  private int[] last;
  private int size;

  // Per record: its kind and the id's previous record still kept (a patch chain), or -1.
  private byte[] kinds = new byte[64];
  private int[] previous = new int[64];

  ChangeBuffer() {
    this(16);
  }

  /** A buffer sized for about {@code expectedIds} ids, so a full batch does not rehash. */
  ChangeBuffer(int expectedIds) {
    int n = Math.max(1, Math.min(expectedIds, MAX_PRESIZE));
    int capacity = Integer.highestOneBit(n * 2 - 1) << 1;
    ids = new String[capacity];
    hashes = new int[capacity];
    last = new int[capacity];
  }

  /** Adds a change; returns whether it replaced or extended a pending change of the same id. */
  boolean add(ShoalWrite write) {
    String id = write.id();
    int slot = slot(id);
    int before = ids[slot] == null ? -1 : last[slot];
    if (write instanceof ShoalWrite.Upsert u) {
      dropChain(before);
      put(slot, id, record(records.upsert(u.document()), UPSERT, -1));
    } else if (write instanceof ShoalWrite.Delete) {
      dropChain(before);
      put(slot, id, record(records.delete(id), DELETE, -1));
    } else {
      DocumentPatch patch = ((ShoalWrite.Patch) write).patch();
      if (before < 0) {
        put(slot, id, record(records.patch(patch), PATCH, -1));
      } else if (kinds[before] == UPSERT) {
        Document patched = patch.applyTo(records.document(before));
        records.drop(before);
        put(slot, id, record(records.upsert(patched), UPSERT, -1));
      } else if (kinds[before] == PATCH) {
        put(slot, id, record(records.patch(patch), PATCH, before));
      } // else deleted: a patch of a missing document changes nothing
    }
    return before >= 0;
  }

  boolean isEmpty() {
    return records.isEmpty();
  }

  /** Records the batch will hold (one per id, or one per patch of a patch chain). */
  int records() {
    return records.records();
  }

  /** Encoded size of everything added since the last batch (replaced changes included). */
  long bytes() {
    return records.bytes();
  }

  /**
   * The pending changes as one WAL batch, ids in the order of their last change; the buffer is then
   * empty and ready for the next batch.
   */
  EncodedWalBatch finish() {
    EncodedWalBatch batch = records.finish();
    Arrays.fill(ids, null);
    size = 0;
    return batch;
  }

  private int record(int index, byte kind, int prev) {
    if (index == kinds.length) {
      kinds = Arrays.copyOf(kinds, index * 2);
      previous = Arrays.copyOf(previous, index * 2);
    }
    kinds[index] = kind;
    previous[index] = prev;
    return index;
  }

  private void dropChain(int index) {
    for (int i = index; i >= 0; i = previous[i]) {
      records.drop(i);
    }
  }

  private int slot(String id) {
    return slot(id, id.hashCode());
  }

  private int slot(String id, int hash) {
    int mask = ids.length - 1;
    int i = (hash ^ (hash >>> 16)) & mask;
    while (ids[i] != null && (hashes[i] != hash || !ids[i].equals(id))) {
      i = (i + 1) & mask;
    }
    return i;
  }

  private void put(int slot, String id, int index) {
    if (ids[slot] == null) {
      ids[slot] = id;
      hashes[slot] = id.hashCode();
      size++;
      last[slot] = index;
      if (size * 2 > ids.length) {
        grow();
      }
    } else {
      last[slot] = index;
    }
  }

  private void grow() {
    String[] oldIds = ids;
    int[] oldHashes = hashes;
    int[] oldLast = last;
    ids = new String[oldIds.length * 2];
    hashes = new int[oldIds.length * 2];
    last = new int[oldIds.length * 2];
    for (int i = 0; i < oldIds.length; i++) {
      if (oldIds[i] != null) {
        int s = slot(oldIds[i], oldHashes[i]);
        ids[s] = oldIds[i];
        hashes[s] = oldHashes[i];
        last[s] = oldLast[i];
      }
    }
  }
}
