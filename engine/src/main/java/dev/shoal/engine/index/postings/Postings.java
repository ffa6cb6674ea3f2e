package dev.shoal.engine.index.postings;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Encoding shared by the inverted indexes: constants, variable-length integers and bit-packed
 * blocks. Decoders throw {@link IllegalStateException} or {@link BufferUnderflowException} on
 * malformed input; index readers turn those into a corrupt-object error naming the index.
 */
public final class Postings {
  /** Postings per block; each block carries a score upper bound in the term's skip data. */
  public static final int BLOCK_SIZE = 128;

  /** Returned by cursors past their last document. */
  public static final int NO_MORE_DOCS = Integer.MAX_VALUE;

  private Postings() {}

  /** Reads a vint written by {@link ByteSink#writeVInt} at the buffer's position. */
  public static int readVInt(ByteBuffer in) {
    int b = in.get();
    if (b >= 0) {
      return b;
    }
    int v = b & 0x7F;
    for (int shift = 7; shift <= 28; shift += 7) {
      b = in.get();
      v |= (b & 0x7F) << shift;
      if (b >= 0) {
        if (v < 0 || (shift == 28 && (b & 0x70) != 0)) {
          break;
        }
        return v;
      }
    }
    throw new IllegalStateException("malformed vint at byte " + (in.position() - 1));
  }

  /** Reads a vlong written by {@link ByteSink#writeVLong} at the buffer's position. */
  public static long readVLong(ByteBuffer in) {
    long v = 0;
    for (int shift = 0; shift <= 56; shift += 7) {
      byte b = in.get();
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        if (v < 0) {
          break;
        }
        return v;
      }
    }
    throw new IllegalStateException("malformed vlong at byte " + (in.position() - 1));
  }

  /** The number of bits needed to write {@code v} (0 for 0). */
  public static int bitsRequired(int v) {
    return 32 - Integer.numberOfLeadingZeros(v);
  }

  /** Bytes taken by {@code count} packed values of {@code bitsPerValue} bits. */
  public static int packedBytes(int count, int bitsPerValue) {
    return (count * bitsPerValue + 7) >>> 3;
  }

  /**
   * Unpacks {@code count} values written by {@link ByteSink#writePacked} starting at absolute
   * position {@code pos} of a little-endian buffer.
   *
   * @return the number of bytes read
   */
  public static int unpack(ByteBuffer in, int pos, int count, int bitsPerValue, int[] out) {
    int bytes = packedBytes(count, bitsPerValue);
    if (bitsPerValue == 0) {
      java.util.Arrays.fill(out, 0, count, 0);
      return 0;
    }
    if (bitsPerValue < 0 || bitsPerValue > 32 || pos < 0 || pos + bytes > in.limit()) {
      throw new IllegalStateException(
          "packed block of " + count + " x " + bitsPerValue + " bits does not fit at " + pos);
    }
    long mask = (1L << bitsPerValue) - 1;
    if (pos + bytes + 8 <= in.limit()) {
      // Fast path: one unaligned 8-byte load per value; the caller's data continues past the block.
      long bitOff = 0;
      for (int i = 0; i < count; i++, bitOff += bitsPerValue) {
        long word = in.getLong(pos + (int) (bitOff >>> 3));
        out[i] = (int) ((word >>> (bitOff & 7)) & mask);
      }
    } else {
      long acc = 0;
      int bits = 0;
      int p = pos;
      for (int i = 0; i < count; i++) {
        while (bits < bitsPerValue) {
          acc |= (long) (in.get(p++) & 0xFF) << bits;
          bits += 8;
        }
        out[i] = (int) (acc & mask);
        acc >>>= bitsPerValue;
        bits -= bitsPerValue;
      }
    }
    return bytes;
  }

  /** CRC32C of {@code length} bytes at absolute position {@code pos}. */
  public static int crc32c(ByteBuffer in, int pos, int length) {
    CRC32C crc = new CRC32C();
    crc.update(in.duplicate().limit(pos + length).position(pos));
    return (int) crc.getValue();
  }
}
