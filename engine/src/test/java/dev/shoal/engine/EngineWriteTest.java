package dev.shoal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.query.Filter;
import dev.shoal.engine.query.QueryRequest;
import dev.shoal.engine.query.QueryRow;
import dev.shoal.engine.query.RankBy;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.testing.HookedObjectStore;
import dev.shoal.engine.wal.WalBatchBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EngineWriteTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final Engine engine = Engine.builder().store(store).build();
  private final NamespacePath ns = NamespacePath.parse("acme/search/docs");

  @AfterEach
  void close() {
    engine.close();
  }

  private static Document doc(String id, float[] v, Map<String, Object> attrs) {
    return new Document(id, v, null, Map.of(), attrs);
  }

  @Test
  void aBatchEncodedRecordByRecordIsStagedAndCommittedWithoutAPosition() {
    WalBatchBuilder builder = new WalBatchBuilder(64);
    builder.upsert(doc("a", new float[] {1, 0}, Map.of()));
    builder.upsert(doc("b", new float[] {0, 1}, Map.of()));
    StagedBatch staged = engine.stage(ns, builder.finish());
    assertThat(staged.records()).isEqualTo(2);
    assertThat(staged.dimension()).isEqualTo(2);
    assertThat(store.stat(staged.key())).isPresent();

    WriteResult r = engine.commitStaged(ns, List.of(staged), null, true, null);
    assertThat(r).isEqualTo(new WriteResult(1, 1, 2, 2, false));
    assertThat(engine.getNamespace(ns).docCount()).isEqualTo(2);
    assertThat(engine.getDocument(ns, "b", Consistency.STRONG)).isPresent();
  }

  @Test
  void firstWriteCreatesNamespaceAndAssignsSequenceNumbers() {
    WriteResult r =
        engine.write(
            ns,
            WriteRequest.upsert(
                List.of(
                    doc("a", new float[] {1, 0}, Map.of()),
                    doc("b", new float[] {0, 1}, Map.of()))));
    assertThat(r).isEqualTo(new WriteResult(1, 1, 2, 2, false));
    WriteResult r2 = engine.write(ns, WriteRequest.delete(List.of("a")));
    assertThat(r2).isEqualTo(new WriteResult(2, 3, 3, 1, false));
    NamespaceInfo info = engine.getNamespace(ns);
    assertThat(info.docCount()).isEqualTo(1);
    assertThat(info.vectorDim()).isEqualTo(2);
    assertThat(info.distanceMetric()).isEqualTo(DistanceMetric.COSINE);
    assertThat(engine.listNamespaces("acme", "search", null, null, 10).namespaces())
        .containsExactly("docs");
  }

  @Test
  void vectorDimensionIsReadFromTheManifest() {
    engine.write(ns, WriteRequest.upsert(List.of(doc("a", null, Map.of()))));
    assertThat(engine.vectorDimension(ns)).isEmpty();
    engine.write(ns, WriteRequest.upsert(List.of(doc("b", new float[] {1, 0, 0}, Map.of()))));
    assertThat(engine.vectorDimension(ns)).hasValue(3);
    assertThatThrownBy(() -> engine.vectorDimension(ns.sibling("missing")))
        .isInstanceOf(NamespaceNotFoundException.class);
  }

  @Test
  void patchMergesAttributesAndNullRemovesThem() {
    engine.write(
        ns, WriteRequest.upsert(List.of(doc("a", null, Map.of("lang", "en", "year", 2024)))));
    Map<String, Object> changes = new HashMap<>();
    changes.put("lang", null);
    changes.put("year", 2025);
    engine.write(ns, WriteRequest.builder().patch(DocumentPatch.attrs("a", changes)).build());
    assertThat(engine.getDocument(ns, "a", Consistency.STRONG).orElseThrow().attrs())
        .isEqualTo(Map.of("year", 2025L));
  }

  @Test
  void rejectsVectorOfWrongDimensionAndLeavesNamespaceUnchanged() {
    engine.write(ns, WriteRequest.upsert(List.of(doc("a", new float[] {1, 2, 3}, Map.of()))));
    long version = engine.getNamespace(ns).version();
    assertThatThrownBy(
            () ->
                engine.write(
                    ns, WriteRequest.upsert(List.of(doc("b", new float[] {1, 2}, Map.of())))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("dimension 2")
        .hasMessageContaining("dimension 3");
    assertThat(engine.getNamespace(ns).version()).isEqualTo(version);
  }

  @Test
  void writesQueuedBehindACommitShareOneWalObjectAndOneManifestVersion() throws Exception {
    // The first commit stops inside its WAL put until every other write has queued behind it.
    CountDownLatch inFirstPut = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    InMemoryObjectStore backing = new InMemoryObjectStore();
    HookedObjectStore hooked =
        new HookedObjectStore(backing)
            .before(
                HookedObjectStore.Op.PUT,
                k -> k.contains("/wal/"),
                () -> {
                  inFirstPut.countDown();
                  try {
                    assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    try (Engine grouped = Engine.builder().store(hooked).build()) {
      List<CompletableFuture<WriteResult>> futures = new ArrayList<>();
      futures.add(grouped.writeAsync(ns, WriteRequest.upsert(List.of(doc("d0", null, Map.of())))));
      assertThat(inFirstPut.await(30, TimeUnit.SECONDS)).isTrue();
      for (int i = 1; i < 200; i++) {
        futures.add(
            grouped.writeAsync(
                ns, WriteRequest.upsert(List.of(doc("d" + i, null, Map.of("i", i))))));
      }
      release.countDown();
      List<WriteResult> results = futures.stream().map(CompletableFuture::join).toList();

      assertThat(results.get(0)).isEqualTo(new WriteResult(1, 1, 1, 1, false));
      List<WriteResult> queued = results.subList(1, results.size());
      assertThat(queued).extracting(WriteResult::version).containsOnly(2L);
      // One record each, in submission order, from one WAL object.
      for (int i = 0; i < queued.size(); i++) {
        assertThat(queued.get(i).firstSeq()).isEqualTo(2 + i);
      }
      assertThat(backing.list("acme/search/ns/docs/wal/")).hasSize(2);
      NamespaceInfo info = grouped.getNamespace(ns);
      assertThat(info.version()).isEqualTo(2);
      assertThat(info.docCount()).isEqualTo(200);
    }
  }

  @Test
  void idempotencyKeyReturnsFirstResult() {
    WriteRequest req =
        WriteRequest.builder().upsert(doc("a", null, Map.of())).idempotencyKey("k1").build();
    WriteResult first = engine.write(ns, req);
    WriteResult second = engine.write(ns, req);
    assertThat(second.deduplicated()).isTrue();
    assertThat(second.version()).isEqualTo(first.version());
    assertThat(engine.getNamespace(ns).walRecords()).isEqualTo(1);
  }

  @Test
  void writerPositionsDeduplicateAndFence() {
    WriterClaim c1 = engine.claimWriter(ns, "kafka/c/t/0", true, null);
    assertThat(c1.epoch()).isEqualTo(1);
    assertThat(c1.position()).isEmpty();
    WriteResult r =
        engine.write(
            ns,
            WriteRequest.builder()
                .upsert(doc("a", null, Map.of()))
                .writerPosition(new WriterPosition("kafka/c/t/0", 1, 10))
                .build());
    assertThat(r.deduplicated()).isFalse();
    WriteResult again =
        engine.write(
            ns,
            WriteRequest.builder()
                .upsert(doc("a", null, Map.of("x", 1)))
                .writerPosition(new WriterPosition("kafka/c/t/0", 1, 10))
                .build());
    assertThat(again.deduplicated()).isTrue();
    WriterClaim c2 = engine.claimWriter(ns, "kafka/c/t/0", true, null);
    assertThat(c2.epoch()).isEqualTo(2);
    assertThat(c2.position()).hasValue(10);
    assertThatThrownBy(
            () ->
                engine.write(
                    ns,
                    WriteRequest.builder()
                        .upsert(doc("b", null, Map.of()))
                        .writerPosition(new WriterPosition("kafka/c/t/0", 1, 11))
                        .build()))
        .isInstanceOf(WriterFencedException.class)
        .hasMessageContaining("epoch 2");
    assertThat(engine.getDocument(ns, "b", Consistency.STRONG)).isEmpty();
  }

  @Test
  void writerEpochsOutliveADeleteSoAZombieStaysFencedAfterTheNamespaceIsRecreated() {
    String writer = "kafka/c/t/0";
    engine.claimWriter(ns, writer, true, null); // epoch 1: the instance that becomes a zombie
    WriterClaim owner = engine.claimWriter(ns, writer, true, null);
    engine.write(
        ns,
        WriteRequest.builder()
            .upsert(doc("a", null, Map.of()))
            .writerPosition(new WriterPosition(writer, owner.epoch(), 10))
            .build());
    engine.deleteNamespace(ns);

    // Before the namespace exists again, the zombie may not recreate it.
    assertThatThrownBy(
            () ->
                engine.write(
                    ns,
                    WriteRequest.builder()
                        .upsert(doc("z", null, Map.of()))
                        .writerPosition(new WriterPosition(writer, 1, 11))
                        .build()))
        .isInstanceOf(WriterFencedException.class)
        .hasMessage(
            "Cannot write to "
                + ns
                + ": writer "
                + writer
                + " has epoch 1 but epoch 2 claimed it since (this instance is a zombie and must"
                + " stop)");
    assertThat(engine.namespaceExists(ns)).isFalse();

    // A claim after the delete continues the epochs; the positions start over.
    WriterClaim again = engine.claimWriter(ns, writer, true, null);
    assertThat(again.epoch()).isEqualTo(3);
    assertThat(again.position()).isEmpty();
    assertThatThrownBy(
            () ->
                engine.write(
                    ns,
                    WriteRequest.builder()
                        .upsert(doc("z", null, Map.of()))
                        .writerPosition(new WriterPosition(writer, 1, 11))
                        .build()))
        .isInstanceOf(WriterFencedException.class)
        .hasMessageContaining("has epoch 1 but epoch 3 claimed it since");
    assertThat(engine.getDocument(ns, "z", Consistency.STRONG)).isEmpty();
  }

  @Test
  void theCurrentWriterRecreatesADeletedNamespaceFromAFreshPosition() {
    String writer = "kafka/c/t/0";
    WriterClaim owner = engine.claimWriter(ns, writer, true, null);
    engine.write(
        ns,
        WriteRequest.builder()
            .upsert(doc("a", null, Map.of()))
            .writerPosition(new WriterPosition(writer, owner.epoch(), 10))
            .build());
    engine.deleteNamespace(ns);

    WriteResult r =
        engine.write(
            ns,
            WriteRequest.builder()
                .upsert(doc("b", null, Map.of()))
                .writerPosition(new WriterPosition(writer, owner.epoch(), 3))
                .build());

    assertThat(r.deduplicated()).isFalse();
    assertThat(engine.writerPosition(ns, writer)).hasValue(3);
    assertThat(engine.getDocument(ns, "b", Consistency.STRONG)).isPresent();
    assertThat(engine.getDocument(ns, "a", Consistency.STRONG)).isEmpty();
  }

  @Test
  void ifVersionConflicts() {
    engine.write(ns, WriteRequest.upsert(List.of(doc("a", null, Map.of()))));
    assertThatThrownBy(
            () ->
                engine.write(
                    ns,
                    WriteRequest.builder().upsert(doc("b", null, Map.of())).ifVersion(7L).build()))
        .isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("expected manifest version 7, found 1");
  }

  @Test
  void deleteByFilterRemovesMatches() {
    engine.write(
        ns,
        WriteRequest.upsert(
            List.of(doc("a", null, Map.of("lang", "en")), doc("b", null, Map.of("lang", "fr")))));
    engine.write(
        ns,
        WriteRequest.builder()
            .upsert(doc("c", null, Map.of("lang", "fr")))
            .deleteByFilter(Filter.Compare.of("lang", Filter.Op.Eq, "fr"))
            .build());
    List<String> ids =
        engine.query(ns, QueryRequest.builder().build()).rows().stream().map(QueryRow::id).toList();
    assertThat(ids).containsExactly("a");
  }

  @Test
  void vectorQueryRanksBySimilarity() {
    engine.write(
        ns,
        WriteRequest.upsert(
            List.of(
                doc("a", new float[] {1, 0}, Map.of()),
                doc("b", new float[] {0.7f, 0.7f}, Map.of()),
                doc("c", new float[] {0, 1}, Map.of()))));
    List<QueryRow> rows =
        engine
            .query(
                ns,
                QueryRequest.builder()
                    .rankBy(new RankBy.Vector(new float[] {1, 0.1f}, true))
                    .topK(2)
                    .build())
            .rows();
    assertThat(rows).extracting(QueryRow::id).containsExactly("a", "b");
  }

  @Test
  void deletedNamespaceIsGoneAndCanBeRecreated() {
    engine.write(ns, WriteRequest.upsert(List.of(doc("a", null, Map.of()))));
    engine.deleteNamespace(ns);
    assertThatThrownBy(() -> engine.getNamespace(ns))
        .isInstanceOf(NamespaceNotFoundException.class);
    assertThat(engine.listNamespaces("acme", "search", null, null, 10).namespaces()).isEmpty();
    engine.createNamespace(ns, DistanceMetric.DOT, Map.of("team", "x"));
    NamespaceInfo info = engine.getNamespace(ns);
    assertThat(info.docCount()).isZero();
    assertThat(info.distanceMetric()).isEqualTo(DistanceMetric.DOT);
    assertThat(engine.getDocument(ns, "a", Consistency.STRONG)).isEmpty();
  }
}
