package dev.shoal.engine.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.Engine;
import dev.shoal.engine.EngineConfig;
import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.manifest.GarbageList;
import dev.shoal.engine.manifest.GarbageRef;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.manifest.NamespaceLayout;
import dev.shoal.engine.manifest.WalRef;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.testing.ManualScheduler;
import dev.shoal.engine.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a compaction leaves in the manifest for the objects it dropped, and how they go away. */
class GarbageListTest {
  private static final NamespacePath NS = NamespacePath.parse("acme/gc/docs");

  private final MutableClock clock = new MutableClock(1_000_000_000L);
  private final InMemoryObjectStore store = new InMemoryObjectStore(clock);
  private final ManifestStore manifests = new ManifestStore(store, clock, Duration.ofMinutes(1), 3);

  private static final Duration RETENTION = Duration.ofMinutes(1);

  private Engine engine() {
    return engine(new ManualScheduler());
  }

  private Engine engine(ManualScheduler scheduler) {
    return Engine.builder()
        .store(store)
        .clock(clock)
        .backgroundExecutor(Runnable::run)
        .scheduler(scheduler)
        .config(
            EngineConfig.builder()
                .autoCompact(false)
                .walCompactThreshold(6)
                .manifestRetention(Duration.ofMinutes(1))
                .minRetainedVersions(3)
                .build())
        .build();
  }

  private Manifest latest() {
    return manifests.readLatest(NS, null).orElseThrow();
  }

  @Test
  void aCompactionRecordsItsDroppedObjectsAsOneListThatIsReleasedAfterRetention() {
    try (Engine engine = engine()) {
      for (int i = 0; i < 6; i++) {
        engine.write(NS, WriteRequest.upsert(List.of(Document.of("d" + i, Map.of("i", i)))));
      }
      List<String> batches = latest().wal().stream().map(WalRef::key).toList();
      assertThat(batches).hasSize(6);

      assertThat(engine.compact(NS, false).performed()).isTrue();
      List<GarbageRef> garbage = latest().garbage();
      assertThat(garbage).hasSize(1);
      String list = garbage.get(0).key();
      assertThat(NamespaceLayout.isGarbageList(list)).isTrue();
      assertThat(GarbageList.keysOf(store, garbage.get(0)))
          .containsExactlyElementsOf(concat(batches, list));
      for (String key : batches) {
        assertThat(exists(key)).as("kept through retention: %s", key).isTrue();
      }

      // Later writes carry one entry, not six; past retention the next compaction deletes all.
      engine.write(NS, WriteRequest.upsert(List.of(Document.of("late", Map.of()))));
      assertThat(latest().garbage()).hasSize(1);
      clock.advance(Duration.ofMinutes(2));
      assertThat(engine.compact(NS, false).removedObjects()).isEqualTo(7);
      assertThat(latest().garbage()).isEmpty();
      for (String key : concat(batches, list)) {
        assertThat(exists(key)).as("deleted: %s", key).isFalse();
      }
    }
  }

  /** Six WAL batches folded by one compaction; returns the keys it dropped (batches and list). */
  private List<String> compactSixBatches(Engine engine) {
    for (int i = 0; i < 6; i++) {
      engine.write(NS, WriteRequest.upsert(List.of(Document.of("d" + i, Map.of("i", i)))));
    }
    List<String> batches = latest().wal().stream().map(WalRef::key).toList();
    assertThat(engine.compact(NS, false).performed()).isTrue();
    return concat(batches, latest().garbage().get(0).key());
  }

  @Test
  void anIdleNamespaceReleasesItsGarbageOnceRetentionHasPassed() {
    ManualScheduler scheduler = new ManualScheduler();
    try (Engine engine = engine(scheduler)) {
      List<String> dropped = compactSixBatches(engine);
      // One pass, due when the retention period of the garbage has passed.
      assertThat(scheduler.pendingDelaysMillis())
          .singleElement()
          .satisfies(
              delay ->
                  assertThat(delay).isBetween(RETENTION.toMillis(), RETENTION.toMillis() + 5_000));

      // Run early (a clock behind the committer's), it releases nothing and waits again.
      assertThat(scheduler.runPending()).isEqualTo(1);
      assertThat(latest().garbage()).hasSize(1);
      assertThat(scheduler.pendingDelaysMillis()).hasSize(1);

      clock.advance(RETENTION.plusSeconds(10));
      scheduler.runPending();

      assertThat(latest().garbage()).isEmpty();
      for (String key : dropped) {
        assertThat(exists(key)).as("released: %s", key).isFalse();
      }
      assertThat(scheduler.pendingDelaysMillis()).isEmpty();
      assertThat(engine.getNamespace(NS).docCount()).isEqualTo(6);
    }
  }

  @Test
  void repairReleasesTheExpiredGarbageOfAnIdleNamespace() {
    List<String> dropped;
    try (Engine engine = engine()) {
      dropped = compactSixBatches(engine);
    }
    clock.advance(Duration.ofMinutes(2));
    try (Engine fresh = engine()) {
      fresh.repair("acme", "gc", false);

      assertThat(latest().garbage()).isEmpty();
      for (String key : dropped) {
        assertThat(exists(key)).as("released: %s", key).isFalse();
      }
      assertThat(fresh.getNamespace(NS).docCount()).isEqualTo(6);
    }
  }

  @Test
  void aListWhoseObjectIsGoneStandsForItselfOnly() {
    GarbageRef gone = new GarbageRef(NamespaceLayout.newGarbageListKey(NS), 0);
    assertThat(GarbageList.keysOf(store, gone)).containsExactly(gone.key());
    GarbageRef inline = new GarbageRef("acme/gc/ns/docs/wal/x.wal", 0);
    assertThat(GarbageList.keysOf(store, inline)).containsExactly(inline.key());
  }

  private boolean exists(String key) {
    return store.list(key).stream().anyMatch(o -> o.key().equals(key));
  }

  private static List<String> concat(List<String> a, String b) {
    return java.util.stream.Stream.concat(a.stream(), java.util.stream.Stream.of(b)).toList();
  }
}
