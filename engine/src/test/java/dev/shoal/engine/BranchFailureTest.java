package dev.shoal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.query.QueryRequest;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.testing.HookedObjectStore;
import dev.shoal.engine.testing.HookedObjectStore.Op;
import dev.shoal.engine.testing.ManualScheduler;
import dev.shoal.engine.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A branch that fails after sharing the source's objects with its target: the shares are keyed by
 * namespace name, so they may be the ones another, successful branch to the same target relies on.
 * The failed branch leaves them; repair drops those no manifest justifies.
 */
class BranchFailureTest {
  private static final NamespacePath SOURCE = NamespacePath.parse("acme/branchfail/source");
  private static final NamespacePath TARGET = NamespacePath.parse("acme/branchfail/target");
  private static final Duration RETENTION = Duration.ofMinutes(1);
  private static final Duration GRACE = Duration.ofMinutes(5);

  private final MutableClock clock = new MutableClock(1_000_000_000L);
  // Garbage passes run only when a test says so.
  private final ManualScheduler scheduler = new ManualScheduler();
  private final InMemoryObjectStore backing = new InMemoryObjectStore(clock);
  private final HookedObjectStore hooked = new HookedObjectStore(backing);

  private Engine engine(ObjectStore on) {
    return Engine.builder()
        .store(on)
        .clock(clock)
        .scheduler(scheduler)
        .backgroundExecutor(Runnable::run)
        .config(
            EngineConfig.builder()
                .autoCompact(false)
                .walCompactThreshold(2)
                .manifestRetention(RETENTION)
                .eventualMaxStaleness(Duration.ofSeconds(1))
                .sweepGracePeriod(GRACE)
                .build())
        .build();
  }

  /** A source with a segment and a WAL batch; returns the keys of its objects. */
  private Set<String> source(Engine engine) {
    engine.write(SOURCE, WriteRequest.upsert(List.of(Document.of("a", Map.of()))));
    engine.write(SOURCE, WriteRequest.upsert(List.of(Document.of("b", Map.of()))));
    engine.compact(SOURCE, false);
    engine.write(SOURCE, WriteRequest.upsert(List.of(Document.of("c", Map.of()))));
    return latest(SOURCE).liveObjectKeys();
  }

  private Manifest latest(NamespacePath ns) {
    return new ManifestStore(backing, clock, RETENTION, 10).readLatest(ns, null).orElseThrow();
  }

  /** The source folds and merges everything, then releases what it dropped after retention. */
  private void sourceDropsItsObjects(Engine engine) {
    engine.compact(SOURCE, true);
    clock.advance(RETENTION.plusMinutes(1));
    engine.compact(SOURCE, false);
  }

  @Test
  void aBranchThatLosesItsTargetToAnotherBranchKeepsTheWinnersShares() {
    try (Engine winner = engine(backing);
        Engine loser = engine(hooked)) {
      Set<String> shared = source(winner);
      // The winner branches between the loser's sharing and the loser's commit.
      hooked.after(
          Op.PUT_IF_ABSENT, k -> k.contains("/refs/"), () -> winner.branch(SOURCE, TARGET));

      assertThatThrownBy(() -> loser.branch(SOURCE, TARGET))
          .isInstanceOf(NamespaceExistsException.class)
          .hasMessage("Cannot create namespace " + TARGET + ": it already exists");

      sourceDropsItsObjects(winner);
      assertThat(latest(TARGET).liveObjectKeys()).containsExactlyInAnyOrderElementsOf(shared);
      for (String key : shared) {
        assertThat(backing.stat(key)).as("object %s the branch references", key).isPresent();
      }
    }
    try (Engine fresh = engine(backing)) {
      assertThat(fresh.query(TARGET, QueryRequest.builder().build()).rows()).hasSize(3);
    }
  }

  @Test
  void theSharesOfAFailedBranchAreReclaimedByRepair() {
    try (Engine engine = engine(hooked);
        Engine other = engine(backing)) {
      Set<String> shared = source(engine);
      hooked.after(
          Op.PUT_IF_ABSENT,
          k -> k.contains("/refs/"),
          () -> other.createNamespace(TARGET, DistanceMetric.COSINE, Map.of()));
      assertThatThrownBy(() -> engine.branch(SOURCE, TARGET))
          .isInstanceOf(NamespaceExistsException.class)
          .hasMessage("Cannot create namespace " + TARGET + ": it already exists");

      sourceDropsItsObjects(engine);
      clock.advance(GRACE.plusMinutes(1));
      engine.repair("acme", "branchfail", true);

      for (String key : shared) {
        assertThat(backing.stat(key)).as("object %s nobody references", key).isEmpty();
      }
      assertThat(engine.query(SOURCE, QueryRequest.builder().build()).rows()).hasSize(3);
    }
  }
}
