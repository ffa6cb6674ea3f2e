package dev.shoal.engine.wal;

import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.internal.ByteReader;
import dev.shoal.engine.internal.ByteWriter;
import dev.shoal.engine.internal.Checksums;
import dev.shoal.engine.internal.DocumentCodec;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import java.util.Arrays;

/**
 * Encodes WAL records one at a time as they arrive, for writers that fill a batch record by record
 * (a streaming sink). Encoding each record while it is fresh, into one buffer that is kept from
 * batch to batch, costs far less than holding thousands of objects until the batch is full and
 * encoding them then.
 *
 * <p>A record can be {@linkplain #drop dropped} until {@link #finish}, for example when a later
 * change of the same id replaces it. {@link #finish} frames the kept records, in the order they
 * were added, exactly as {@link WalBatch#encode} frames the same records, and empties the builder
 * for the next batch.
 *
 * <p>Not thread-safe.
 */
public final class WalBatchBuilder {
  private final ByteWriter out;

  /** Where each record starts in {@code out}; record {@code i} ends where {@code i + 1} starts. */
  private int[] starts = new int[64];

  private boolean[] dropped = new boolean[64];
  private int count;
  private int kept;
  private int dimension;
  private String dimensionFrom;

  /** A builder whose buffer starts at {@code initialBytes} and grows as needed. */
  public WalBatchBuilder(int initialBytes) {
    out = new ByteWriter(initialBytes);
  }

  /**
   * Adds an upsert.
   *
   * @return the record's index in this batch
   * @throws InvalidRequestException if its vector's dimension differs from an earlier record's
   */
  public int upsert(Document document) {
    checkDimension(document.dimension(), document.id());
    int index = begin(WalBatch.TYPE_UPSERT);
    DocumentCodec.writeDocument(out, document);
    return index;
  }

  /**
   * Adds a patch.
   *
   * @return the record's index in this batch
   * @throws InvalidRequestException if its vector's dimension differs from an earlier record's
   */
  public int patch(DocumentPatch patch) {
    checkDimension(patch.dimension(), patch.id());
    int index = begin(WalBatch.TYPE_PATCH);
    DocumentCodec.writePatch(out, patch);
    return index;
  }

  /**
   * Adds a delete by id.
   *
   * @return the record's index in this batch
   * @throws InvalidRequestException if the id is invalid
   */
  public int delete(String id) {
    Document.validateId(id);
    int index = begin(WalBatch.TYPE_DELETE);
    out.writeString(id);
    return index;
  }

  /** Leaves a record out of the batch (dropping it again does nothing). */
  public void drop(int index) {
    checkIndex(index);
    if (!dropped[index]) {
      dropped[index] = true;
      kept--;
    }
  }

  /** Decodes an upsert added since the last {@link #finish}, for example to patch it. */
  public Document document(int index) {
    checkIndex(index);
    int start = starts[index];
    if (out.array()[start] != WalBatch.TYPE_UPSERT) {
      throw new IllegalArgumentException("Record " + index + " is not an upsert");
    }
    return DocumentCodec.readDocument(new ByteReader(out.array(), start + 1, end(index) - start));
  }

  /** Records kept so far. */
  public int records() {
    return kept;
  }

  /** Whether no record is kept. */
  public boolean isEmpty() {
    return kept == 0;
  }

  /** Bytes encoded since the last {@link #finish}, dropped records included. */
  public int bytes() {
    return out.size();
  }

  /**
   * Frames the kept records as one WAL batch and empties the builder (its buffer is kept).
   *
   * @throws IllegalStateException if no record is kept
   */
  public EncodedWalBatch finish() {
    if (kept == 0) {
      throw new IllegalStateException("Cannot finish a WAL batch without records");
    }
    long body = 0;
    for (int i = 0; i < count; i++) {
      if (!dropped[i]) {
        body += end(i) - starts[i];
      }
    }
    long total = 5 + varIntLength(kept) + body + Checksums.FOOTER_LENGTH;
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("Cannot encode: WAL batch larger than 2 GiB");
    }
    // Sized exactly, so toByteArray hands over this buffer without copying it.
    ByteWriter framed = new ByteWriter((int) total);
    framed.writeInt(WalBatch.MAGIC);
    framed.writeByte(WalBatch.FORMAT_VERSION);
    framed.writeVarInt(kept);
    byte[] src = out.array();
    int i = 0;
    while (i < count) {
      if (dropped[i]) {
        i++;
        continue;
      }
      int runStart = starts[i];
      while (i < count && !dropped[i]) {
        i++;
      }
      framed.writeBytes(src, runStart, end(i - 1) - runStart);
    }
    Checksums.writeFooter(framed);
    EncodedWalBatch batch = new EncodedWalBatch(framed.toByteArray(), kept, dimension);
    out.reset();
    Arrays.fill(dropped, 0, count, false);
    count = 0;
    kept = 0;
    dimension = 0;
    dimensionFrom = null;
    return batch;
  }

  private int begin(int type) {
    if (count == starts.length) {
      starts = Arrays.copyOf(starts, count * 2);
      dropped = Arrays.copyOf(dropped, count * 2);
    }
    starts[count] = out.size();
    out.writeByte(type);
    kept++;
    return count++;
  }

  private int end(int index) {
    return index + 1 < count ? starts[index + 1] : out.size();
  }

  private void checkIndex(int index) {
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException(
          "Record " + index + " does not exist; the batch has " + count);
    }
  }

  private void checkDimension(int dim, String id) {
    if (dim == 0) {
      return;
    }
    if (dimension == 0) {
      dimension = dim;
      dimensionFrom = id;
    } else if (dim != dimension) {
      throw new InvalidRequestException(
          "Cannot add document \""
              + id
              + "\" to the WAL batch: it has a "
              + dim
              + "-dimensional vector but document \""
              + dimensionFrom
              + "\" in the same batch has "
              + dimension);
    }
  }

  private static int varIntLength(int v) {
    int n = 1;
    while ((v & ~0x7F) != 0) {
      n++;
      v >>>= 7;
    }
    return n;
  }
}
