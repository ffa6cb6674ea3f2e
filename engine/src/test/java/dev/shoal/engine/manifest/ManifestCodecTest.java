package dev.shoal.engine.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.storage.CorruptObjectException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {
  private static final String KEY = "acme/p/ns/x/manifests/00000000000000000001.json";

  private static Manifest sample() {
    return Manifest.create("acme/p/x", 1, "c1", 1000, DistanceMetric.EUCLIDEAN, Map.of("a", "b"))
        .toBuilder()
        .version(2)
        .vectorDim(128)
        .addWal(new WalRef("acme/p/ns/x/wal/1.wal", 1, 10, 999))
        .writer("kafka/c/t/0", new WriterState(3, 41L, 5))
        .addIdempotency(new IdempotencyRecord("abcd", 2, 1, 10, 10, 7), 10)
        .nextSeq(11)
        .build();
  }

  @Test
  void roundTripsAsSnakeCaseJson() {
    byte[] json = ManifestCodec.encode(sample());
    String text = new String(json, StandardCharsets.UTF_8);
    assertThat(text)
        .contains("\"distance_metric\":\"euclidean\"", "\"next_seq\":11", "\"first_seq\":1");
    assertThat(ManifestCodec.decode(KEY, json)).isEqualTo(sample());
  }

  @Test
  void truncatedJsonNamesTheKey() {
    byte[] json = ManifestCodec.encode(sample());
    byte[] cut = java.util.Arrays.copyOf(json, json.length / 2);
    assertThatThrownBy(() -> ManifestCodec.decode(KEY, cut))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageStartingWith("Cannot decode object " + KEY + ": not a valid manifest");
  }

  @Test
  void newerFormatIsRefused() {
    String json =
        new String(ManifestCodec.encode(sample()), StandardCharsets.UTF_8)
            .replace("\"format_version\":1", "\"format_version\":9");
    assertThatThrownBy(() -> ManifestCodec.decode(KEY, json.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("manifest format 9 was written by a newer Shoal");
  }
}
