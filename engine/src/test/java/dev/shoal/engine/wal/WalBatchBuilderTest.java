package dev.shoal.engine.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.engine.model.SparseVector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WalBatchBuilderTest {
  private static final Document A =
      new Document(
          "a",
          new float[] {0.25f, -1f},
          new SparseVector(new int[] {2, 70000}, new float[] {1, 2}),
          Map.of("body", "héllo wörld"),
          Map.of("tags", List.of("x", 1L, 2.5, true), "n", Long.MIN_VALUE));

  private static DocumentPatch patchOf(String id) {
    Map<String, Object> attrs = new HashMap<>();
    attrs.put("gone", null);
    attrs.put("n", -7);
    return new DocumentPatch(id, null, null, Map.of(), attrs);
  }

  private final WalBatchBuilder builder = new WalBatchBuilder(16);

  @Test
  void framesItsRecordsByteForByteAsEncodeDoes() {
    builder.upsert(A);
    builder.patch(patchOf("b"));
    builder.delete("c");

    EncodedWalBatch batch = builder.finish();
    WalBatch expected =
        new WalBatch(
            List.of(
                new WalRecord.Upsert(A),
                new WalRecord.Patch(patchOf("b")),
                new WalRecord.Delete("c")));
    assertThat(batch.bytes()).isEqualTo(expected.encode());
    assertThat(batch.records()).isEqualTo(3);
    assertThat(batch.dimension()).isEqualTo(2);
  }

  @Test
  void leavesDroppedRecordsOut() {
    int first = builder.upsert(A);
    builder.delete("c");
    int third = builder.delete("d");
    builder.patch(patchOf("b"));
    builder.drop(first);
    builder.drop(third);
    builder.drop(third);

    assertThat(builder.records()).isEqualTo(2);
    EncodedWalBatch batch = builder.finish();
    assertThat(WalBatch.decode("x.wal", batch.bytes()).records())
        .containsExactly(new WalRecord.Delete("c"), new WalRecord.Patch(patchOf("b")));
    assertThat(batch.records()).isEqualTo(2);
  }

  @Test
  void decodesAnUpsertAddedEarlier() {
    builder.delete("c");
    int index = builder.upsert(A);
    assertThat(builder.document(index)).isEqualTo(A);
    assertThatThrownBy(() -> builder.document(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Record 0 is not an upsert");
    assertThatThrownBy(() -> builder.drop(2))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("Record 2 does not exist; the batch has 2");
  }

  @Test
  void startsAgainEmptyAfterFinish() {
    builder.upsert(A);
    builder.finish();
    assertThat(builder.isEmpty()).isTrue();
    assertThat(builder.bytes()).isZero();
    assertThatThrownBy(builder::finish)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot finish a WAL batch without records");

    // The next batch may use another dimension.
    Document b = Document.of("b", new float[] {1, 2, 3}, Map.of());
    builder.upsert(b);
    EncodedWalBatch batch = builder.finish();
    assertThat(batch.dimension()).isEqualTo(3);
    assertThat(WalBatch.decode("x.wal", batch.bytes()).records())
        .containsExactly(new WalRecord.Upsert(b));
  }

  @Test
  void refusesAVectorOfAnotherDimensionInTheSameBatch() {
    builder.upsert(A);
    assertThatThrownBy(() -> builder.upsert(Document.of("b", new float[] {1, 2, 3}, Map.of())))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage(
            "Cannot add document \"b\" to the WAL batch: it has a 3-dimensional vector but"
                + " document \"a\" in the same batch has 2");
    assertThatThrownBy(() -> builder.delete(""))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("Invalid document: id is missing or empty");
    assertThat(builder.records()).isEqualTo(1);
  }
}
