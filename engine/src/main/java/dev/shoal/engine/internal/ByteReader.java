package dev.shoal.engine.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link ByteWriter} wrote. Every read is bounds-checked: running past the end throws
 * {@link FormatException}, so truncated input can never decode into wrong values. Not thread-safe.
 */
public final class ByteReader {
  private final byte[] buf;
  private final int end;
  private int pos;

  public ByteReader(byte[] buf, int offset, int length) {
    this.buf = buf;
    this.pos = offset;
    this.end = offset + length;
  }

  public int position() {
    return pos;
  }

  public int remaining() {
    return end - pos;
  }

  private void need(int n) {
    if (n < 0 || end - pos < n) {
      throw new FormatException("unexpected end of data at byte " + pos + " (needed " + n + ")");
    }
  }

  public int readByte() {
    need(1);
    return buf[pos++] & 0xFF;
  }

  public int readInt() {
    need(4);
    int v =
        (buf[pos] & 0xFF)
            | (buf[pos + 1] & 0xFF) << 8
            | (buf[pos + 2] & 0xFF) << 16
            | (buf[pos + 3] & 0xFF) << 24;
    pos += 4;
    return v;
  }

  public long readLong() {
    return (readInt() & 0xFFFFFFFFL) | ((long) readInt() << 32);
  }

  public float readFloat() {
    return Float.intBitsToFloat(readInt());
  }

  public double readDouble() {
    return Double.longBitsToDouble(readLong());
  }

  public float[] readFloats(int count) {
    need(count * 4);
    float[] out = new float[count];
    ByteBuffer.wrap(buf, pos, count * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    pos += count * 4;
    return out;
  }

  public int readVarInt() {
    long v = readVarLong();
    if (v > Integer.MAX_VALUE) {
      throw new FormatException("varint out of int range at byte " + pos + ": " + v);
    }
    return (int) v;
  }

  public long readVarLong() {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new FormatException("malformed varint at byte " + pos);
  }

  public long readZLong() {
    long v = readVarLong();
    return (v >>> 1) ^ -(v & 1);
  }

  public String readString() {
    int len = readVarInt();
    need(len);
    String s = new String(buf, pos, len, StandardCharsets.UTF_8);
    pos += len;
    return s;
  }

  public void skip(int n) {
    need(n);
    pos += n;
  }
}
