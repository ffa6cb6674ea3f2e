package dev.shoal.engine.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.engine.model.SparseVector;
import dev.shoal.engine.storage.CorruptObjectException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WalBatchTest {
  private static final String KEY = "acme/p/ns/docs/wal/x.wal";

  private static WalBatch sample() {
    Map<String, Object> patchAttrs = new HashMap<>();
    patchAttrs.put("gone", null);
    patchAttrs.put("n", -7);
    return new WalBatch(
        List.of(
            new WalRecord.Upsert(
                new Document(
                    "a",
                    new float[] {0.25f, -1f},
                    new SparseVector(new int[] {2, 70000}, new float[] {1, 2}),
                    Map.of("body", "héllo wörld"),
                    Map.of("tags", List.of("x", 1L, 2.5, true), "n", Long.MIN_VALUE))),
            new WalRecord.Patch(new DocumentPatch("b", null, null, Map.of(), patchAttrs)),
            new WalRecord.Delete("c")));
  }

  @Test
  void roundTrips() {
    WalBatch batch = sample();
    assertThat(WalBatch.decode(KEY, batch.encode())).isEqualTo(batch);
  }

  @Test
  void flippedByteIsReportedWithKey() {
    byte[] bytes = sample().encode();
    bytes[bytes.length / 2] ^= 0x40;
    assertThatThrownBy(() -> WalBatch.decode(KEY, bytes))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageStartingWith("Cannot decode object " + KEY + ": checksum mismatch");
  }

  @Test
  void truncationIsReported() {
    byte[] bytes = sample().encode();
    for (int len : new int[] {0, 3, 11, bytes.length - 1}) {
      assertThatThrownBy(() -> WalBatch.decode(KEY, Arrays.copyOf(bytes, len)))
          .isInstanceOf(CorruptObjectException.class)
          .hasMessageContaining(KEY);
    }
  }

  @Test
  void otherFormatsAreRejected() {
    assertThatThrownBy(() -> WalBatch.decode(KEY, "{\"not\":\"a wal\"}".getBytes()))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("bad magic");
  }
}
