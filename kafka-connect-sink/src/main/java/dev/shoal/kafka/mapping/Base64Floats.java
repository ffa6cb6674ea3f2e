package dev.shoal.kafka.mapping;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Decodes base64 text of little-endian float32 values (OpenAI's {@code encoding_format=base64},
 * NumPy's {@code tobytes()}) straight from a character range, for the JSON reader's vector field.
 *
 * <p>Only input that {@link java.util.Base64#getDecoder()} reads the same way and that the mapper
 * would accept is decoded: the basic alphabet, padding only as the last one or two characters of a
 * multiple of four (or no padding), a whole number of finite floats. For anything else the methods
 * return -1 or null and the caller keeps the text, so the general path decides (and words the
 * rejection). Stateless and thread-safe.
 */
final class Base64Floats {
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /** The 6-bit value of each ASCII character of the basic alphabet, else -1. */
  private static final byte[] VALUES = new byte[128];

  static {
    java.util.Arrays.fill(VALUES, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      VALUES[alphabet.charAt(i)] = (byte) i;
    }
  }

  private Base64Floats() {}

  /**
   * The number of bytes {@code chars[offset, offset + length)} decodes to, if it has a shape this
   * class decodes and that is a positive multiple of 4; else -1. Characters are checked by {@link
   * #decode}.
   */
  static int decodedLength(char[] chars, int offset, int length) {
    int data = dataLength(chars, offset, length);
    if (data < 0) {
      return -1;
    }
    int bytes = data / 4 * 3 + (data % 4 == 0 ? 0 : data % 4 - 1);
    return bytes > 0 && bytes % 4 == 0 ? bytes : -1;
  }

  /** Characters before the padding, or -1 if the length and padding do not fit together. */
  private static int dataLength(char[] chars, int offset, int length) {
    int data = length;
    if (length % 4 == 0 && length > 0 && chars[offset + length - 1] == '=') {
      data--;
      if (chars[offset + length - 2] == '=') {
        data--;
      }
    }
    return data % 4 == 1 ? -1 : data;
  }

  /**
   * The float32 values of {@code chars[offset, offset + length)}, decoded through {@code scratch}
   * (at least {@link #decodedLength} bytes), or null if a character is outside the alphabet (a
   * misplaced '=' included) or a value is not finite.
   */
  static float[] decode(char[] chars, int offset, int length, byte[] scratch) {
    int data = dataLength(chars, offset, length);
    int end = offset + data;
    int full = offset + data / 4 * 4;
    int out = 0;
    int i = offset;
    for (; i < full; i += 4) {
      int bits =
          value(chars[i]) << 18
              | value(chars[i + 1]) << 12
              | value(chars[i + 2]) << 6
              | value(chars[i + 3]);
      if (bits < 0) {
        return null;
      }
      scratch[out] = (byte) (bits >> 16);
      scratch[out + 1] = (byte) (bits >> 8);
      scratch[out + 2] = (byte) bits;
      out += 3;
    }
    if (i < end) {
      // A last unit of 2 or 3 characters: 1 or 2 bytes (unused low bits are ignored, as the JDK's
      // decoder does).
      int bits = value(chars[i]) << 18 | value(chars[i + 1]) << 12;
      if (end - i == 3) {
        bits |= value(chars[i + 2]) << 6;
      }
      if (bits < 0) {
        return null;
      }
      scratch[out++] = (byte) (bits >> 16);
      if (end - i == 3) {
        scratch[out++] = (byte) (bits >> 8);
      }
    }
    float[] floats = new float[out / 4];
    for (int k = 0; k < floats.length; k++) {
      float f = Float.intBitsToFloat((int) INT_LE.get(scratch, 4 * k));
      if (!Float.isFinite(f)) {
        return null;
      }
      floats[k] = f;
    }
    return floats;
  }

  /**
   * The 6-bit value of {@code c}, or a negative number (large enough to make any unit negative).
   */
  private static int value(char c) {
    return c < 128 ? VALUES[c] : -1;
  }
}
