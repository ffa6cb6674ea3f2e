package dev.shoal.flink.writer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.flink.ShoalWrite;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeBufferTest {
  private final ChangeBuffer buffer = new ChangeBuffer();

  private static Document doc(String id, long n) {
    return Document.of(id, Map.of("n", n));
  }

  @Test
  void upsertOrDeleteReplacesWhateverTheIdHad() {
    buffer.add(ShoalWrite.upsert(doc("a", 1)), 0);
    buffer.add(ShoalWrite.delete("a"), 0);
    buffer.add(ShoalWrite.delete("b"), 0);
    buffer.add(ShoalWrite.upsert(doc("b", 2)), 0);

    WriteRequest r = buffer.toRequest();
    assertThat(r.deletes()).containsExactly("a");
    assertThat(r.upserts()).containsExactly(doc("b", 2));
    assertThat(buffer.records()).isEqualTo(2);
  }

  @Test
  void aPatchAfterAnUpsertIsFoldedIntoIt() {
    buffer.add(ShoalWrite.upsert(doc("a", 1)), 0);
    buffer.add(ShoalWrite.patch(DocumentPatch.attrs("a", Map.of("x", "y"))), 0);

    assertThat(buffer.toRequest().upserts())
        .containsExactly(Document.of("a", Map.of("n", 1L, "x", "y")));
    assertThat(buffer.toRequest().patches()).isEmpty();
  }

  @Test
  void aPatchAfterADeleteChangesNothingAndPatchesChainInOrder() {
    buffer.add(ShoalWrite.delete("a"), 0);
    buffer.add(ShoalWrite.patch(DocumentPatch.attrs("a", Map.of("x", "y"))), 0);
    buffer.add(ShoalWrite.patch(DocumentPatch.attrs("b", Map.of("x", 1))), 0);
    buffer.add(ShoalWrite.patch(DocumentPatch.attrs("b", Map.of("x", 2))), 0);

    WriteRequest r = buffer.toRequest();
    assertThat(r.deletes()).containsExactly("a");
    assertThat(r.patches())
        .containsExactly(
            DocumentPatch.attrs("b", Map.of("x", 1)), DocumentPatch.attrs("b", Map.of("x", 2)));
    assertThat(buffer.records()).isEqualTo(3);
  }

  @Test
  void keepsFirstSeenOrder() {
    for (String id : List.of("c", "a", "b", "a")) {
      buffer.add(ShoalWrite.upsert(doc(id, 0)), 0);
    }
    assertThat(buffer.toRequest().upserts())
        .extracting(Document::id)
        .containsExactly("c", "a", "b");
  }
}
