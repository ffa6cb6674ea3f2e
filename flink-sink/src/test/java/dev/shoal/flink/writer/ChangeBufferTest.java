package dev.shoal.flink.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.engine.wal.EncodedWalBatch;
import dev.shoal.engine.wal.WalBatch;
import dev.shoal.engine.wal.WalRecord;
import dev.shoal.flink.ShoalWrite;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChangeBufferTest {
  private final ChangeBuffer buffer = new ChangeBuffer();

  private static Document doc(String id, long n) {
    return Document.of(id, Map.of("n", n));
  }

  private List<WalRecord> finish() {
    int expected = buffer.records();
    EncodedWalBatch batch = buffer.finish();
    assertThat(batch.records()).isEqualTo(expected);
    assertThat(buffer.isEmpty()).isTrue();
    return WalBatch.decode("test.wal", batch.bytes()).records();
  }

  @Test
  void upsertOrDeleteReplacesWhateverTheIdHad() {
    buffer.add(ShoalWrite.upsert(doc("a", 1)));
    buffer.add(ShoalWrite.delete("a"));
    buffer.add(ShoalWrite.delete("b"));
    buffer.add(ShoalWrite.upsert(doc("b", 2)));

    assertThat(buffer.records()).isEqualTo(2);
    assertThat(finish())
        .containsExactly(new WalRecord.Delete("a"), new WalRecord.Upsert(doc("b", 2)));
  }

  @Test
  void aPatchAfterAnUpsertIsFoldedIntoIt() {
    buffer.add(ShoalWrite.upsert(doc("a", 1)));
    buffer.add(ShoalWrite.patch(DocumentPatch.attrs("a", Map.of("x", "y"))));

    assertThat(finish())
        .containsExactly(new WalRecord.Upsert(Document.of("a", Map.of("n", 1L, "x", "y"))));
  }

  @Test
  void aPatchAfterADeleteChangesNothingAndPatchesChainInOrder() {
    buffer.add(ShoalWrite.delete("a"));
    buffer.add(ShoalWrite.patch(DocumentPatch.attrs("a", Map.of("x", "y"))));
    buffer.add(ShoalWrite.patch(DocumentPatch.attrs("b", Map.of("x", 1))));
    buffer.add(ShoalWrite.patch(DocumentPatch.attrs("b", Map.of("x", 2))));

    assertThat(buffer.records()).isEqualTo(3);
    assertThat(finish())
        .containsExactly(
            new WalRecord.Delete("a"),
            new WalRecord.Patch(DocumentPatch.attrs("b", Map.of("x", 1))),
            new WalRecord.Patch(DocumentPatch.attrs("b", Map.of("x", 2))));
  }

  @Test
  void anUpsertAfterAPatchChainDropsTheWholeChain() {
    buffer.add(ShoalWrite.patch(DocumentPatch.attrs("a", Map.of("x", 1))));
    buffer.add(ShoalWrite.patch(DocumentPatch.attrs("a", Map.of("x", 2))));
    buffer.add(ShoalWrite.upsert(doc("a", 3)));

    assertThat(buffer.records()).isEqualTo(1);
    assertThat(finish()).containsExactly(new WalRecord.Upsert(doc("a", 3)));
  }

  @Test
  void keepsTheOrderOfEachIdsLastChange() {
    for (String id : List.of("c", "a", "b", "a")) {
      buffer.add(ShoalWrite.upsert(doc(id, 0)));
    }
    assertThat(finish()).extracting(WalRecord::id).containsExactly("c", "b", "a");
  }

  @Test
  void startsEmptyAgainAfterEachBatch() {
    buffer.add(ShoalWrite.upsert(doc("a", 1)));
    finish();
    assertThatThrownBy(buffer::finish)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot finish a WAL batch without records");

    buffer.add(ShoalWrite.patch(DocumentPatch.attrs("a", Map.of("x", 1))));
    assertThat(finish())
        .containsExactly(new WalRecord.Patch(DocumentPatch.attrs("a", Map.of("x", 1))));
  }

  @Test
  void growsPastItsPresizeKeepingEveryId() {
    for (int i = 0; i < 5000; i++) {
      buffer.add(ShoalWrite.upsert(doc("id-" + i, i)));
    }
    for (int i = 0; i < 5000; i += 2) {
      buffer.add(ShoalWrite.delete("id-" + i));
    }
    List<WalRecord> records = finish();
    assertThat(records).hasSize(5000);
    assertThat(records.subList(0, 2500))
        .allSatisfy(r -> assertThat(r).isInstanceOf(WalRecord.Upsert.class));
    assertThat(records.subList(2500, 5000)).extracting(WalRecord::id).doesNotHaveDuplicates();
  }

  /** Seeded random changes over few ids, folded, give what applying them one by one gives. */
  @Test
  void matchesApplyingTheChangesInOrder() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    for (int round = 0; round < 20; round++) {
      Map<String, Document> expected = new HashMap<>();
      List<ShoalWrite> writes = new ArrayList<>();
      for (int i = 0; i < 200 + random.nextInt(3000); i++) {
        String id = "id-" + random.nextInt(50);
        int kind = random.nextInt(3);
        if (kind == 0) {
          Document d = Document.of(id, new float[] {random.nextFloat()}, Map.of("n", (long) i));
          writes.add(ShoalWrite.upsert(d));
          expected.put(id, d);
        } else if (kind == 1) {
          writes.add(ShoalWrite.delete(id));
          expected.remove(id);
        } else {
          DocumentPatch p = DocumentPatch.attrs(id, Map.of("p" + random.nextInt(3), (long) i));
          writes.add(ShoalWrite.patch(p));
          expected.computeIfPresent(id, (k, d) -> p.applyTo(d));
        }
      }
      writes.forEach(buffer::add);
      Map<String, Document> applied = new HashMap<>();
      for (WalRecord r : finish()) {
        if (r instanceof WalRecord.Upsert u) {
          applied.put(r.id(), u.document());
        } else if (r instanceof WalRecord.Delete) {
          applied.remove(r.id());
        } else {
          applied.computeIfPresent(r.id(), (k, d) -> ((WalRecord.Patch) r).patch().applyTo(d));
        }
      }
      assertThat(applied).as("seed " + seed + ", round " + round).isEqualTo(expected);
    }
  }
}
