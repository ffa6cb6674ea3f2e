package dev.shoal.engine.wal;

/**
 * A WAL batch as stored bytes, built by {@link WalBatchBuilder}: {@link WalBatch#decode} reads it
 * back. Only the builder creates one, so its bytes are always a well-formed batch.
 */
public final class EncodedWalBatch {
  private final byte[] bytes;
  private final int records;
  private final int dimension;

  EncodedWalBatch(byte[] bytes, int records, int dimension) {
    this.bytes = bytes;
    this.records = records;
    this.dimension = dimension;
  }

  /** The object's bytes, not copied: do not modify them. */
  public byte[] bytes() {
    return bytes;
  }

  /** How many records it holds (at least one). */
  public int records() {
    return records;
  }

  /** The vector dimension its records use, or 0 if none has a vector. */
  public int dimension() {
    return dimension;
  }

  @Override
  public String toString() {
    return "EncodedWalBatch{" + records + " records, " + bytes.length + " bytes}";
  }
}
