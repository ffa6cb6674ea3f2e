package dev.shoal.engine.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable little-endian byte buffer with varint and bulk float writers, for the engine's binary
 * formats. Not thread-safe.
 */
public final class ByteWriter {
  private byte[] buf;
  private int size;

  public ByteWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  public int size() {
    return size;
  }

  /**
   * The bytes written. A buffer that is exactly full is returned itself, without a copy: presize it
   * exactly to save one. A later write moves to a new buffer, so the array returned never changes.
   */
  public byte[] toByteArray() {
    return size == buf.length ? buf : Arrays.copyOf(buf, size);
  }

  /** Forgets what was written and keeps the buffer, for the next object. */
  public void reset() {
    size = 0;
  }

  /** The internal array; valid up to {@link #size()} until the next write. */
  public byte[] array() {
    return buf;
  }

  private void ensure(int extra) {
    int needed = size + extra;
    if (needed < 0) {
      throw new IllegalStateException("Cannot encode: object larger than 2 GiB");
    }
    if (needed > buf.length) {
      buf =
          Arrays.copyOf(
              buf, Math.max(needed, (int) Math.min(Integer.MAX_VALUE - 8, buf.length * 2L)));
    }
  }

  public void writeByte(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  public void writeBytes(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  public void writeInt(int v) {
    ensure(4);
    buf[size] = (byte) v;
    buf[size + 1] = (byte) (v >>> 8);
    buf[size + 2] = (byte) (v >>> 16);
    buf[size + 3] = (byte) (v >>> 24);
    size += 4;
  }

  public void writeLong(long v) {
    writeInt((int) v);
    writeInt((int) (v >>> 32));
  }

  public void writeFloat(float v) {
    writeInt(Float.floatToRawIntBits(v));
  }

  public void writeDouble(double v) {
    writeLong(Double.doubleToRawLongBits(v));
  }

  /** Writes {@code len} floats in one bulk copy. */
  public void writeFloats(float[] values, int off, int len) {
    ensure(len * 4);
    ByteBuffer.wrap(buf, size, len * 4)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .put(values, off, len);
    size += len * 4;
  }

  /** Unsigned LEB128 varint; {@code v} must be non-negative. */
  public void writeVarInt(int v) {
    writeVarLong(v & 0xFFFFFFFFL);
  }

  /** Unsigned LEB128 varint. */
  public void writeVarLong(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
  }

  /** Zig-zag varint, for signed values that are usually small. */
  public void writeZLong(long v) {
    writeVarLong((v << 1) ^ (v >> 63));
  }

  /** Length-prefixed UTF-8. */
  public void writeString(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    writeVarInt(b.length);
    writeBytes(b, 0, b.length);
  }
}
