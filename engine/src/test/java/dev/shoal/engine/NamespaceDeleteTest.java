package dev.shoal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.manifest.GarbageList;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.testing.ManualScheduler;
import dev.shoal.engine.testing.MutableClock;
import dev.shoal.engine.wal.WalBatch;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Deleting a namespace keeps its objects through the retention period, like any other version a
 * reader may have pinned, and releases them afterwards.
 */
class NamespaceDeleteTest {
  private static final NamespacePath NS = NamespacePath.parse("acme/delete/docs");
  private static final Duration RETENTION = Duration.ofMinutes(10);
  private static final Duration GRACE = Duration.ofMinutes(1);

  private final MutableClock clock = new MutableClock(1_000_000_000L);
  private final InMemoryObjectStore store = new InMemoryObjectStore(clock);
  private final ManifestStore manifests = new ManifestStore(store, clock, RETENTION, 3);
  private final ManualScheduler scheduler = new ManualScheduler();

  private Engine engine() {
    return Engine.builder()
        .store(store)
        .clock(clock)
        .backgroundExecutor(Runnable::run)
        .scheduler(scheduler)
        .config(
            EngineConfig.builder()
                .autoCompact(false)
                .walCompactThreshold(2)
                .manifestRetention(RETENTION)
                .eventualMaxStaleness(Duration.ofSeconds(1))
                .minRetainedVersions(3)
                .sweepGracePeriod(GRACE)
                .build())
        .build();
  }

  /**
   * A namespace with a segment, a WAL batch and the garbage of a compaction; returns its last live
   * version.
   */
  private Manifest populated(Engine engine) {
    engine.write(NS, WriteRequest.upsert(List.of(Document.of("a", Map.of()))));
    engine.write(NS, WriteRequest.upsert(List.of(Document.of("b", Map.of()))));
    engine.compact(NS, false);
    engine.write(NS, WriteRequest.upsert(List.of(Document.of("c", Map.of()))));
    return manifests.readLatest(NS, null).orElseThrow();
  }

  private Set<String> objectsOf(Manifest m) {
    Set<String> keys = new HashSet<>(m.liveObjectKeys());
    keys.addAll(GarbageList.keysOf(store, m.garbage()));
    return keys;
  }

  @Test
  void aReaderOfTheLastVersionKeepsWorkingThroughRetentionThenTheObjectsGo() {
    try (Engine engine = engine()) {
      Manifest last = populated(engine);
      Set<String> objects = objectsOf(last);
      assertThat(objects).hasSize(5); // segment, batch, and the two folded batches and their list

      engine.deleteNamespace(NS);

      assertThat(engine.namespaceExists(NS)).isFalse();
      for (String key : objects) {
        assertThat(store.stat(key)).as("kept through retention: %s", key).isPresent();
      }
      String batch = last.wal().get(0).key();
      assertThat(WalBatch.decode(batch, store.get(batch)).size()).isEqualTo(1);

      clock.advance(RETENTION.plusSeconds(10));
      scheduler.runPending();

      for (String key : objects) {
        assertThat(store.stat(key)).as("released after retention: %s", key).isEmpty();
      }
    }
  }

  @Test
  void repairKeepsADeletedNamespacesObjectsThroughRetentionThenReleasesThem() {
    Set<String> objects;
    try (Engine engine = engine()) {
      objects = objectsOf(populated(engine));
      engine.deleteNamespace(NS);
    }
    try (Engine fresh = engine()) {
      clock.advance(GRACE.plusMinutes(1)); // old enough to be swept if nothing held them
      fresh.repair("acme", "delete", true);
      for (String key : objects) {
        assertThat(store.stat(key)).as("not swept within retention: %s", key).isPresent();
      }

      clock.advance(RETENTION);
      fresh.repair("acme", "delete", true);

      for (String key : objects) {
        assertThat(store.stat(key)).as("released after retention: %s", key).isEmpty();
      }
    }
  }

  @Test
  void aNamespaceCreatedAgainReleasesWhatItsEarlierLifeLeft() {
    try (Engine engine = engine()) {
      Set<String> objects = objectsOf(populated(engine));
      engine.deleteNamespace(NS);
      engine.write(NS, WriteRequest.upsert(List.of(Document.of("new", Map.of()))));
      assertThat(engine.getNamespace(NS).docCount()).isEqualTo(1);

      clock.advance(RETENTION.plusSeconds(10));
      scheduler.runPending();

      for (String key : objects) {
        assertThat(store.stat(key)).as("released after retention: %s", key).isEmpty();
      }
      assertThat(engine.getNamespace(NS).docCount()).isEqualTo(1);
    }
  }
}
