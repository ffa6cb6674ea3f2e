package dev.shoal.kafka.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.kafka.mapping.SinkOperation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class BatchTest {
  static SinkOperation upsert(String id, Object... kv) {
    Map<String, Object> attrs = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      attrs.put((String) kv[i], kv[i + 1]);
    }
    return new SinkOperation.Upsert(Document.of(id, attrs));
  }

  static SinkOperation patch(String id, Object... kv) {
    Map<String, Object> attrs = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      attrs.put((String) kv[i], kv[i + 1]);
    }
    return new SinkOperation.Patch(DocumentPatch.attrs(id, attrs));
  }

  static SinkOperation delete(String id) {
    return new SinkOperation.Delete(id);
  }

  static Batch batch(SinkOperation... ops) {
    Batch b = new Batch(0, true);
    long offset = 10;
    for (SinkOperation op : ops) {
      b.add(new SinkRecord("t", 0, null, op.id(), null, null, offset), offset, op);
      offset++;
    }
    return b;
  }

  @Test
  void keepsTheLastOperationPerIdWithoutReorderingDeletesAndUpserts() {
    // Upsert, delete, upsert of one id: sending upserts then deletes would delete the document.
    Batch b =
        batch(upsert("a", "v", 1), delete("a"), upsert("a", "v", 2), upsert("b"), delete("b"));
    WriteRequest r = b.toRequest("w", 1);
    assertThat(r.upserts()).containsExactly(Document.of("a", Map.of("v", 2L)));
    assertThat(r.deletes()).containsExactly("b");
    assertThat(r.patches()).isEmpty();
    assertThat(b.documents()).isEqualTo(2);
    assertThat(b.recordCount()).isEqualTo(5);
    assertThat(r.writerPosition().position()).isEqualTo(14);
    assertThat(b.firstOffset()).isEqualTo(10);
  }

  @Test
  void foldsPatchesIntoEarlierUpsertsAndPatches() {
    Batch b =
        batch(
            upsert("a", "x", 1, "y", 1),
            patch("a", "y", null, "z", 3),
            patch("p", "x", 1),
            patch("p", "y", 2, "x", null),
            delete("d"),
            patch("d", "x", 1));
    WriteRequest r = b.toRequest(null, 0);
    assertThat(r.upserts()).containsExactly(Document.of("a", Map.of("x", 1L, "z", 3L)));
    Map<String, Object> merged = new HashMap<>();
    merged.put("x", null);
    merged.put("y", 2L);
    assertThat(r.patches()).containsExactly(DocumentPatch.attrs("p", merged));
    assertThat(r.deletes()).containsExactly("d");
    assertThat(r.writerPosition()).isNull();
  }

  @Test
  void tracksEstimatedBytesAcrossFolds() {
    Batch b = new Batch(0, true);
    b.add(new SinkRecord("t", 0, null, "a", null, null, 1), 1, upsert("a", "s", "x".repeat(1000)));
    long big = b.bytes();
    b.add(new SinkRecord("t", 0, null, "a", null, null, 2), 2, upsert("a"));
    assertThat(b.bytes()).isLessThan(big);
    assertThat(b.entries()).hasSize(2);
    assertThat(List.copyOf(b.entries()).get(1).offset()).isEqualTo(2);
  }

  @Test
  void mergingConsecutiveBatchesEqualsOneBatchOfAllTheirRecords() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int round = 0; round < 200; round++) {
      int n = 1 + random.nextInt(40);
      List<SinkOperation> ops = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String id = "id" + random.nextInt(6);
        int kind = random.nextInt(3);
        ops.add(
            kind == 0
                ? upsert(id, "v", (long) i, "k" + random.nextInt(3), (long) i)
                : kind == 1
                    ? patch(id, "k" + random.nextInt(3), random.nextBoolean() ? null : (long) i)
                    : delete(id));
      }
      Batch whole = new Batch(0, false);
      List<Batch> parts = new ArrayList<>();
      Batch part = null;
      for (int i = 0; i < n; i++) {
        if (part == null || random.nextInt(4) == 0) {
          part = new Batch(0, false);
          parts.add(part);
        }
        SinkRecord r = new SinkRecord("t", 0, null, ops.get(i).id(), null, null, i);
        whole.add(r, i, ops.get(i));
        part.add(r, i, ops.get(i));
      }
      Batch merged = Batch.merge(parts);
      String context = "seed " + seed + ", round " + round + ", ops " + ops;
      assertThat(merged.toRequest("w", 3)).as(context).isEqualTo(whole.toRequest("w", 3));
      assertThat(merged.bytes()).as(context).isEqualTo(whole.bytes());
      assertThat(merged.documents()).as(context).isEqualTo(whole.documents());
      assertThat(merged.recordCount()).as(context).isEqualTo(n);
      assertThat(merged.firstOffset()).as(context).isZero();
      assertThat(merged.lastOffset()).as(context).isEqualTo(n - 1);
      assertThat(merged.deletes()).as(context).isEqualTo(whole.deletes());
    }
  }

  @Test
  void refusesToMergeBatchesThatKeepEntriesWithOnesThatDoNot() {
    assertThatThrownBy(() -> Batch.merge(List.of(new Batch(0, true), new Batch(0, false))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot merge batches that keep entries with ones that do not");
  }

  @Test
  void mergedBatchesKeepEveryEntryInOrder() {
    Batch a = batch(upsert("a"), upsert("b"));
    Batch b = batch(delete("a"));
    Batch merged = Batch.merge(List.of(a, b));
    assertThat(merged.entries()).extracting(e -> e.operation().id()).containsExactly("a", "b", "a");
    assertThat(merged.keepsEntries()).isTrue();
  }
}
