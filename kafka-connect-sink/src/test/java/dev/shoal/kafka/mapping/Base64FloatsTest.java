package dev.shoal.kafka.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base64FloatsTest {

  @Test
  void decodesWhatTheJdkDecoderReadsAndDeclinesTheRest() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    String alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n\u00e9";
    for (int round = 0; round < 20_000; round++) {
      byte[] bytes = new byte[random.nextInt(41)];
      random.nextBytes(bytes);
      if (random.nextInt(4) == 0 && bytes.length >= 4) {
        bytes[random.nextInt(bytes.length / 4) * 4 + 3] = 0x7f; // exponent all ones: not finite
        bytes[random.nextInt(bytes.length / 4) * 4 + 2] = (byte) 0x80;
      }
      String text =
          random.nextBoolean()
              ? Base64.getEncoder().encodeToString(bytes)
              : Base64.getEncoder().withoutPadding().encodeToString(bytes);
      if (random.nextInt(3) == 0) {
        char[] chars = text.toCharArray();
        StringBuilder sb = new StringBuilder(text);
        int at = random.nextInt(chars.length + 1);
        switch (random.nextInt(3)) {
          case 0 -> sb.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          case 1 -> {
            if (at < sb.length()) {
              sb.deleteCharAt(at);
            }
          }
          default -> {
            if (at < sb.length()) {
              sb.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
            }
          }
        }
        text = sb.toString();
      }
      float[] expected = jdk(text);
      float[] actual = decode(" " + text + " ", 1, text.length());
      assertThat(actual)
          .as("seed %d, text '%s'", seed, text)
          .satisfiesAnyOf(a -> assertThat(a).isNull(), a -> assertThat(a).isEqualTo(expected));
      if (expected != null) {
        assertThat(actual).as("seed %d, text '%s'", seed, text).isEqualTo(expected);
      }
    }
  }

  @Test
  void decodesAVectorOf128Floats() {
    ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
    float[] want = new float[128];
    for (int i = 0; i < want.length; i++) {
      want[i] = (float) Math.sin(i) * 1e3f;
      b.putFloat(want[i]);
    }
    String text = Base64.getEncoder().encodeToString(b.array());
    assertThat(decode(text, 0, text.length())).containsExactly(want);
  }

  @Test
  void declinesEmptyTextPartialFloatsAndNonFiniteValues() {
    assertThat(decode("", 0, 0)).isNull();
    assertThat(decode("AAAA", 0, 4)).isNull(); // 3 bytes
    assertThat(decode("AACAfw==", 0, 8)).isNull(); // NaN
    assertThat(decode("AACAfw=", 0, 7)).isNull(); // misplaced padding
    assertThat(decode("AADAPw==", 0, 8)).containsExactly(1.5f);
    assertThat(decode("AADAPw", 0, 6)).containsExactly(1.5f);
  }

  private static float[] decode(String text, int offset, int length) {
    char[] chars = text.toCharArray();
    int bytes = Base64Floats.decodedLength(chars, offset, length);
    return bytes <= 0 ? null : Base64Floats.decode(chars, offset, length, new byte[bytes]);
  }

  /** What the mapper's general path accepts: the JDK's decoding, whole and finite floats. */
  private static float[] jdk(String text) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (bytes.length == 0 || bytes.length % 4 != 0) {
      return null;
    }
    float[] out = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    for (float f : out) {
      if (!Float.isFinite(f)) {
        return null;
      }
    }
    return out;
  }
}
