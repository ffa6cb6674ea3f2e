package dev.shoal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.manifest.NamespaceLayout;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.query.QueryRequest;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.testing.FaultInjectingObjectStore;
import dev.shoal.engine.testing.FaultInjectingObjectStore.Mode;
import dev.shoal.engine.testing.ManualScheduler;
import dev.shoal.engine.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A compaction whose manifest create gets no answer, and whose read-back fails too: its new
 * segments may be referenced, so they are deleted only when the version proves the commit did not
 * land.
 */
class AmbiguousCommitTest {
  private static final NamespacePath NS = NamespacePath.parse("acme/ambiguous/docs");
  // The create's own read-backs (see CrashSafetyTest.READ_BACKS): the caller's next read works.
  private static final int READ_BACKS = 7;

  private final MutableClock clock = new MutableClock(1_000_000_000L);
  // Garbage passes run only when a test says so.
  private final ManualScheduler scheduler = new ManualScheduler();
  private final InMemoryObjectStore backing = new InMemoryObjectStore(clock);
  private final FaultInjectingObjectStore store =
      new FaultInjectingObjectStore(backing).onlyKeys(k -> k.contains("/manifests/"));
  private final ManifestStore manifests =
      new ManifestStore(backing, clock, Duration.ofMinutes(10), 10);

  private Engine engine(ObjectStore on) {
    return Engine.builder()
        .store(on)
        .clock(clock)
        .scheduler(scheduler)
        .backgroundExecutor(Runnable::run)
        .config(EngineConfig.builder().autoCompact(false).walCompactThreshold(2).build())
        .build();
  }

  /** Two WAL batches, due for compaction; returns the version the compaction will create. */
  private long twoBatches(Engine engine) {
    engine.write(NS, WriteRequest.upsert(List.of(Document.of("a", Map.of()))));
    engine.write(NS, WriteRequest.upsert(List.of(Document.of("b", Map.of()))));
    return engine.getNamespace(NS).version() + 1;
  }

  private void failNextManifestCreate(boolean lands, int blockedCalls) {
    store.failAt(store.mutations() + 1, Mode.AMBIGUOUS, lands).blockedCalls(blockedCalls);
  }

  @Test
  void compactionWhoseOutcomeStaysUnknownKeepsItsSegments() {
    try (Engine engine = engine(store)) {
      long version = twoBatches(engine);
      failNextManifestCreate(true, Integer.MAX_VALUE);

      assertThatThrownBy(() -> engine.compact(NS, false))
          .isInstanceOf(CommitStateUnknownException.class)
          .hasMessageContaining(
              "Cannot tell whether the commit of " + NS + " version " + version + " happened");
    }
    store.heal();
    Manifest latest = manifests.readLatest(NS, null).orElseThrow();
    assertThat(latest.segments()).hasSize(1);
    assertEveryReferencedObjectExists(latest);
    try (Engine fresh = engine(backing)) {
      assertThat(fresh.query(NS, QueryRequest.builder().build()).rows()).hasSize(2);
    }
  }

  @Test
  void compactionWhoseCommitIsFoundAfterwardsCompletes() {
    long version;
    try (Engine engine = engine(store)) {
      version = twoBatches(engine);
      failNextManifestCreate(true, READ_BACKS);

      CompactionReport report = engine.compact(NS, false);

      assertThat(report.performed()).isTrue();
      assertThat(report.version()).isEqualTo(version);
    }
    Manifest latest = manifests.readLatest(NS, null).orElseThrow();
    assertThat(latest.version()).isEqualTo(version);
    assertThat(latest.segments()).hasSize(1);
    assertEveryReferencedObjectExists(latest);
  }

  @Test
  void compactionWhoseVersionWentToAnotherCommitDeletesItsSegments() {
    try (Engine engine = engine(store);
        Engine other = engine(backing)) {
      long version = twoBatches(engine);
      failNextManifestCreate(false, READ_BACKS);
      store.onFailure(
          () -> other.write(NS, WriteRequest.upsert(List.of(Document.of("c", Map.of())))));

      assertThatThrownBy(() -> engine.compact(NS, false))
          .isInstanceOf(CommitFailedException.class)
          .hasMessage(
              "Cannot compact "
                  + NS
                  + ": another commit took manifest version "
                  + version
                  + " while the answer to ours was lost; nothing was changed, retry");
    }
    assertThat(backing.list(NamespaceLayout.namespaceRoot(NS) + "segments/")).isEmpty();
    Manifest latest = manifests.readLatest(NS, null).orElseThrow();
    assertThat(latest.wal()).hasSize(3);
    assertEveryReferencedObjectExists(latest);
  }

  private void assertEveryReferencedObjectExists(Manifest m) {
    for (String key : m.liveObjectKeys()) {
      assertThat(backing.stat(key)).as("object %s of version %d", key, m.version()).isPresent();
    }
  }
}
