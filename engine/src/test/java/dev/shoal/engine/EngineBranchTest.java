package dev.shoal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.cache.CacheStats;
import dev.shoal.engine.manifest.NamespaceLayout;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.query.QueryRequest;
import dev.shoal.engine.query.QueryResult;
import dev.shoal.engine.query.RankBy;
import dev.shoal.engine.storage.CountingObjectStore;
import dev.shoal.engine.storage.InMemoryObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EngineBranchTest {
  private static final NamespacePath SOURCE = NamespacePath.parse("acme/branch/source");
  private static final NamespacePath BRANCH = NamespacePath.parse("acme/branch/copy");

  private final CountingObjectStore store = new CountingObjectStore(new InMemoryObjectStore());
  private final Engine engine =
      Engine.builder()
          .store(store)
          .config(
              EngineConfig.builder()
                  .autoCompact(false)
                  .walCompactThreshold(2)
                  .segmentCompactThreshold(100)
                  .build())
          .build();

  @AfterEach
  void close() {
    engine.close();
  }

  /** A unit vector at its own angle, so that cosine similarity tells every document apart. */
  private static float[] direction(int i) {
    double angle = i * Math.PI / 400;
    return new float[] {(float) Math.cos(angle), (float) Math.sin(angle)};
  }

  private static List<Document> docs(int from, int n) {
    List<Document> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      out.add(Document.of("d" + i, direction(i), Map.of("n", i)));
    }
    return out;
  }

  private QueryResult nearest(NamespacePath ns, int i) {
    return engine.query(
        ns, QueryRequest.builder().rankBy(new RankBy.Vector(direction(i), true)).topK(1).build());
  }

  /** Builds a source with a segment and a WAL tail, loaded in memory by a query. */
  private void loadedSource() {
    engine.write(SOURCE, WriteRequest.upsert(docs(0, 50)));
    engine.write(SOURCE, WriteRequest.upsert(docs(50, 50)));
    assertThat(engine.compact(SOURCE, false).performed()).isTrue();
    engine.write(SOURCE, WriteRequest.upsert(docs(100, 30)));
    engine.write(SOURCE, WriteRequest.delete(List.of("d3")));
    nearest(SOURCE, 0);
  }

  @Test
  void branchOfANamespaceInMemoryLooksUpNoObject() {
    loadedSource();
    CacheStats before = engine.cacheStats();
    store.reset();

    NamespaceInfo info = engine.branch(SOURCE, BRANCH);

    CacheStats after = engine.cacheStats();
    assertThat(after.memoryHits() + after.memoryMisses())
        .as("cache lookups of WAL batches and segments during the branch")
        .isEqualTo(before.memoryHits() + before.memoryMisses());
    String root = NamespaceLayout.namespaceRoot(SOURCE);
    assertThat(store.readsUnder(root + "wal/") + store.readsUnder(root + "segments/")).isZero();
    assertThat(info.docCount()).isEqualTo(129);
    assertThat(info.parent()).isEqualTo(SOURCE.toString());
    QueryResult r = nearest(BRANCH, 120);
    assertThat(r.rows().get(0).id()).isEqualTo("d120");
    assertThat(r.performance().cache()).isEqualTo("hot");
  }

  @Test
  void writesToABranchMadeFromMemoryLeaveTheSourceAlone() {
    loadedSource();
    engine.branch(SOURCE, BRANCH);

    engine.write(BRANCH, WriteRequest.delete(List.of("d120")));
    engine.write(BRANCH, WriteRequest.upsert(List.of(Document.of("only-in-branch", Map.of()))));

    assertThat(engine.getNamespace(BRANCH).docCount()).isEqualTo(129);
    assertThat(engine.getDocument(BRANCH, "d120", Consistency.STRONG)).isEmpty();
    assertThat(engine.getDocument(BRANCH, "only-in-branch", Consistency.STRONG)).isPresent();
    assertThat(engine.getNamespace(SOURCE).docCount()).isEqualTo(129);
    assertThat(engine.getDocument(SOURCE, "d120", Consistency.STRONG)).isPresent();
    assertThat(engine.getDocument(SOURCE, "only-in-branch", Consistency.STRONG)).isEmpty();
    assertThat(engine.getDocument(BRANCH, "d3", Consistency.STRONG)).isEmpty();
  }

  @Test
  void aFreshEngineBranchesACompactedNamespaceWithoutReadingItsObjects() {
    // Two segments that overlap: overwrites, a delete and a patch of what the first one holds.
    engine.write(SOURCE, WriteRequest.upsert(docs(0, 40)));
    engine.write(SOURCE, WriteRequest.upsert(docs(20, 40)));
    assertThat(engine.compact(SOURCE, false).performed()).isTrue();
    engine.write(SOURCE, WriteRequest.delete(List.of("d0", "d1", "d59")));
    engine.write(
        SOURCE,
        WriteRequest.builder()
            .upsert(Document.of("d5", direction(5), Map.of("n", -5)))
            .upsert(Document.of("new", direction(300), Map.of()))
            .build());
    assertThat(engine.compact(SOURCE, false).performed()).isTrue();
    assertThat(engine.getNamespace(SOURCE).segments()).isEqualTo(2);
    long expected = engine.query(SOURCE, QueryRequest.builder().topK(1000).build()).rows().size();
    assertThat(expected).isEqualTo(58);

    try (Engine cold = Engine.builder().store(store).build()) {
      store.reset();
      NamespaceInfo info = cold.branch(SOURCE, BRANCH);

      String root = NamespaceLayout.namespaceRoot(SOURCE);
      assertThat(store.readsUnder(root + "wal/") + store.readsUnder(root + "segments/"))
          .as("object reads of a branch in a fresh engine")
          .isZero();
      assertThat(info.docCount()).isEqualTo(expected);
      assertThat(cold.getNamespace(SOURCE).docCount()).isEqualTo(expected);
      assertThat(store.readsUnder(root + "segments/")).isZero();
      assertThat(cold.query(BRANCH, QueryRequest.builder().topK(1000).build()).rows())
          .hasSize((int) expected);
    }
  }

  @Test
  void branchOfANamespaceNotInMemoryIsBuiltFromTheStore() {
    loadedSource();
    try (Engine cold = Engine.builder().store(store).build()) {
      NamespaceInfo info = cold.branch(SOURCE, BRANCH);

      assertThat(info.docCount()).isEqualTo(129);
      assertThat(cold.getDocument(BRANCH, "d120", Consistency.STRONG)).isPresent();
    }
  }
}
