package dev.shoal.engine.index;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/** A {@link RangeReader} over a buffer in memory; slices share the buffer. */
final class HeapRangeReader implements RangeReader {
  private final ByteBuffer bytes;

  HeapRangeReader(ByteBuffer bytes) {
    this.bytes = bytes.slice().order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer();
  }

  @Override
  public long length() {
    return bytes.capacity();
  }

  @Override
  public ByteBuffer read(long offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.capacity());
    return bytes.slice((int) offset, length).order(ByteOrder.LITTLE_ENDIAN);
  }
}
