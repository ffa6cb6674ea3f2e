package dev.shoal.engine.index.postings;

import java.util.Arrays;
import java.util.zip.CRC32C;

/** A growable little-endian byte buffer for index writers. Not thread-safe. */
public final class ByteSink {
  private byte[] bytes;
  private int size;

  public ByteSink() {
    this(256);
  }

  public ByteSink(int initialCapacity) {
    bytes = new byte[Math.max(16, initialCapacity)];
  }

  public int size() {
    return size;
  }

  private void ensure(int extra) {
    if (size + extra > bytes.length) {
      long want = Math.max((long) bytes.length * 2, (long) size + extra);
      if (want > Integer.MAX_VALUE - 16) {
        if ((long) size + extra > Integer.MAX_VALUE - 16) {
          throw new IllegalStateException(
              "Cannot write index: it would exceed 2 GiB (" + size + " + " + extra + " bytes)");
        }
        want = Integer.MAX_VALUE - 16;
      }
      bytes = Arrays.copyOf(bytes, (int) want);
    }
  }

  public void writeByte(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  public void writeInt(int v) {
    ensure(4);
    bytes[size++] = (byte) v;
    bytes[size++] = (byte) (v >>> 8);
    bytes[size++] = (byte) (v >>> 16);
    bytes[size++] = (byte) (v >>> 24);
  }

  public void writeLong(long v) {
    writeInt((int) v);
    writeInt((int) (v >>> 32));
  }

  public void writeFloat(float v) {
    writeInt(Float.floatToRawIntBits(v));
  }

  /** Writes a non-negative int in 1 to 5 bytes, 7 bits at a time, low bits first. */
  public void writeVInt(int v) {
    if (v < 0) {
      throw new IllegalArgumentException("Cannot write vint: negative value " + v);
    }
    writeVLong(v);
  }

  /** Writes a non-negative long in 1 to 9 bytes, 7 bits at a time, low bits first. */
  public void writeVLong(long v) {
    if (v < 0) {
      throw new IllegalArgumentException("Cannot write vlong: negative value " + v);
    }
    ensure(10);
    while (v >= 0x80) {
      bytes[size++] = (byte) (v | 0x80);
      v >>>= 7;
    }
    bytes[size++] = (byte) v;
  }

  public void writeBytes(byte[] b) {
    writeBytes(b, 0, b.length);
  }

  public void writeBytes(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, bytes, size, len);
    size += len;
  }

  public void writeSink(ByteSink other) {
    writeBytes(other.bytes, 0, other.size);
  }

  /** Overwrites 4 bytes at {@code pos}, which must already be written. */
  public void setInt(int pos, int v) {
    if (pos < 0 || pos + 4 > size) {
      throw new IndexOutOfBoundsException("setInt at " + pos + " of " + size);
    }
    bytes[pos] = (byte) v;
    bytes[pos + 1] = (byte) (v >>> 8);
    bytes[pos + 2] = (byte) (v >>> 16);
    bytes[pos + 3] = (byte) (v >>> 24);
  }

  /** Overwrites 8 bytes at {@code pos}, which must already be written. */
  public void setLong(int pos, long v) {
    setInt(pos, (int) v);
    setInt(pos + 4, (int) (v >>> 32));
  }

  /**
   * Packs {@code count} values of {@code bitsPerValue} bits each, low bits first, into {@code
   * ceil(count * bitsPerValue / 8)} bytes.
   */
  public void writePacked(int[] values, int count, int bitsPerValue) {
    if (bitsPerValue == 0) {
      return;
    }
    ensure((count * bitsPerValue + 7) >>> 3);
    long acc = 0;
    int bits = 0;
    for (int i = 0; i < count; i++) {
      acc |= (values[i] & 0xFFFFFFFFL) << bits;
      bits += bitsPerValue;
      while (bits >= 8) {
        bytes[size++] = (byte) acc;
        acc >>>= 8;
        bits -= 8;
      }
    }
    if (bits > 0) {
      bytes[size++] = (byte) acc;
    }
  }

  /** CRC32C of the bytes in {@code [from, size())}. */
  public int crc32c(int from) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, from, size - from);
    return (int) crc.getValue();
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }
}
