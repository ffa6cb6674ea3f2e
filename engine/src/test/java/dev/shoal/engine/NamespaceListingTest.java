package dev.shoal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.InMemoryObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * Listing finds namespaces by their head objects, which are written in the background after
 * commits: a head write that lands after another process deleted the namespace must not bring it
 * back.
 */
class NamespaceListingTest {
  private static final NamespacePath NS = NamespacePath.parse("acme/listing/docs");

  private final InMemoryObjectStore store = new InMemoryObjectStore();
  // The writer's background work (head writes), run when the test says so.
  private final List<Runnable> background = new ArrayList<>();

  @Test
  void aHeadWrittenAfterAnotherEngineDeletedTheNamespaceDoesNotBringItBack() {
    Executor queued = background::add;
    try (Engine writer =
            Engine.builder()
                .store(store)
                .backgroundExecutor(queued)
                .config(EngineConfig.builder().autoCompact(false).build())
                .build();
        Engine deleter = Engine.builder().store(store).build()) {
      writer.createNamespace(NS, DistanceMetric.COSINE, Map.of());
      writer.write(NS, WriteRequest.upsert(List.of(Document.of("a", Map.of()))));
      assertThat(background).as("the head write of the second version is pending").isNotEmpty();

      deleter.deleteNamespace(NS);
      assertThat(deleter.listNamespaces("acme", "listing", null, null, 10).namespaces()).isEmpty();
      background.forEach(Runnable::run);

      assertThat(deleter.listNamespaces("acme", "listing", null, null, 10).namespaces()).isEmpty();
      assertThat(writer.listNamespaces("acme", "listing", null, null, 10).namespaces()).isEmpty();
      assertThat(writer.namespaceExists(NS)).isFalse();
    }
  }

  @Test
  void aNamespaceCreatedAgainIsListedAfterALateHeadWrite() {
    Executor queued = background::add;
    try (Engine writer =
            Engine.builder()
                .store(store)
                .backgroundExecutor(queued)
                .config(EngineConfig.builder().autoCompact(false).build())
                .build();
        Engine other = Engine.builder().store(store).build()) {
      writer.createNamespace(NS, DistanceMetric.COSINE, Map.of());
      writer.write(NS, WriteRequest.upsert(List.of(Document.of("a", Map.of()))));
      other.deleteNamespace(NS);
      other.createNamespace(NS, DistanceMetric.DOT, Map.of());
      background.forEach(Runnable::run);

      assertThat(other.listNamespaces("acme", "listing", null, null, 10).namespaces())
          .containsExactly("docs");
      assertThat(writer.getNamespace(NS).distanceMetric()).isEqualTo(DistanceMetric.DOT);
    }
  }
}
