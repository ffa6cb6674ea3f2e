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
import dev.shoal.engine.testing.HookedObjectStore;
import dev.shoal.engine.testing.HookedObjectStore.Op;
import dev.shoal.engine.testing.ManualScheduler;
import dev.shoal.engine.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A repair sweep deletes unreferenced objects older than the grace period, so a commit must not
 * reference an object that old: the sweep may have read the manifests before the commit landed and
 * delete the object after. Committers therefore refuse objects written more than half the grace
 * period ago (staged batches, a long compaction's segments, a long copy's objects). A staged batch
 * found older than a quarter of the grace period when its commit is asked for (a restore committing
 * an old checkpoint) is committed as a fresh copy instead.
 */
class SweepRaceTest {
  private static final NamespacePath NS = NamespacePath.parse("acme/sweep/docs");
  private static final Duration GRACE = Duration.ofHours(1);

  private final MutableClock clock = new MutableClock(1_000_000_000L);
  private final InMemoryObjectStore backing = new InMemoryObjectStore(clock);
  private final HookedObjectStore hooked = new HookedObjectStore(backing);
  private final ManifestStore manifests =
      new ManifestStore(backing, clock, Duration.ofMinutes(10), 10);

  private Engine engine(ObjectStore on) {
    return Engine.builder()
        .store(on)
        .clock(clock)
        .backgroundExecutor(Runnable::run)
        .scheduler(new ManualScheduler())
        .config(
            EngineConfig.builder()
                .autoCompact(false)
                .walCompactThreshold(2)
                .sweepGracePeriod(GRACE)
                .build())
        .build();
  }

  private void assertEveryReferencedObjectExists() {
    Manifest m = manifests.readLatest(NS, null).orElseThrow();
    for (String key : m.liveObjectKeys()) {
      assertThat(backing.stat(key)).as("object %s of version %d", key, m.version()).isPresent();
    }
  }

  @Test
  void aStagedBatchOlderThanTheGracePeriodIsCommittedAsAFreshCopyWhileASweepRuns() {
    try (Engine writer = engine(backing);
        Engine repairer = engine(hooked)) {
      writer.write(NS, WriteRequest.upsert(List.of(Document.of("a", Map.of()))));
      WriterClaim claim = writer.claimWriter(NS, "flink/sink/0", false, null);
      StagedBatch staged =
          writer.stage(NS, WriteRequest.upsert(List.of(Document.of("b", Map.of()))));
      clock.advance(GRACE.plusMinutes(1)); // a restore re-commits an old checkpoint
      // The commit lands after the sweep read the manifests, before it deletes.
      WriteResult[] outcome = new WriteResult[1];
      hooked.before(
          Op.LIST,
          p -> p.equals(NamespaceLayout.namespacesPrefix("acme", "sweep")) && sweepListing(),
          () ->
              outcome[0] =
                  writer.commitStaged(
                      NS,
                      List.of(staged),
                      new WriterPosition("flink/sink/0", claim.epoch(), 1),
                      false,
                      null));

      repairer.repair("acme", "sweep", true);

      assertThat(outcome[0].records()).isEqualTo(1);
      assertEveryReferencedObjectExists();
      Manifest m = manifests.readLatest(NS, null).orElseThrow();
      assertThat(m.liveObjectKeys()).doesNotContain(staged.key());
      assertThat(backing.stat(staged.key())).isEmpty(); // the original is gone once committed
      assertThat(writer.query(NS, QueryRequest.builder().build()).rows()).hasSize(2);
    }
  }

  @Test
  void aStagedBatchThatWaitsForItsCommitPastHalfTheGracePeriodIsRefused() {
    try (Engine writer = engine(hooked);
        Engine other = engine(backing)) {
      String id = "flink/sink/0";
      WriterClaim claim = writer.claimWriter(NS, id, true, null);
      StagedBatch staged =
          writer.stage(NS, WriteRequest.upsert(List.of(Document.of("a", Map.of()))));
      // The first attempt loses its version to another writer, and the retry comes after half
      // the grace period.
      hooked.before(
          Op.PUT_IF_ABSENT,
          k -> k.contains("/manifests/"),
          () -> {
            other.write(NS, WriteRequest.upsert(List.of(Document.of("b", Map.of()))));
            clock.advance(GRACE.dividedBy(2).plusMinutes(1));
          });

      assertThatThrownBy(
              () ->
                  writer.commitStaged(
                      NS, List.of(staged), new WriterPosition(id, claim.epoch(), 1), false, null))
          .isInstanceOf(CommitFailedException.class)
          .hasMessageStartingWith(
              "Cannot commit to " + NS + ": staged WAL object " + staged.key() + " was written")
          .hasMessageContaining("more than half the sweep grace period (3600 s)")
          .hasMessageContaining("nothing was committed; stage the batch again")
          .matches(e -> !((CommitFailedException) e).isRetriable(), "is not retriable");
    }
  }

  @Test
  void oldStagedBatchesAreCopiedOnlyWhenTheCommitIsNotDeduplicated() {
    try (Engine writer = engine(backing)) {
      String id = "flink/sink/0";
      WriterClaim claim = writer.claimWriter(NS, id, true, null);
      StagedBatch first =
          writer.stage(NS, WriteRequest.upsert(List.of(Document.of("a", Map.of()))));
      StagedBatch second =
          writer.stage(NS, WriteRequest.upsert(List.of(Document.of("b", Map.of()))));
      clock.advance(GRACE.dividedBy(4).minusMinutes(1));
      writer.commitStaged(
          NS, List.of(first), new WriterPosition(id, claim.epoch(), 1), false, null);
      Manifest m = manifests.readLatest(NS, null).orElseThrow();
      assertThat(m.liveObjectKeys()).contains(first.key()); // young enough: committed as is

      clock.advance(Duration.ofMinutes(2));
      int before = backing.list(NamespaceLayout.namespaceRoot(NS) + "wal/").size();
      writer.commitStaged(
          NS, List.of(second), new WriterPosition(id, claim.epoch(), 2), false, null);
      m = manifests.readLatest(NS, null).orElseThrow();
      assertThat(m.liveObjectKeys()).doesNotContain(second.key());
      assertThat(backing.stat(second.key())).isEmpty();
      assertThat(backing.list(NamespaceLayout.namespaceRoot(NS) + "wal/")).hasSize(before);

      // A restore that commits the first checkpoint again is deduplicated, however old, and
      // copies nothing.
      clock.advance(GRACE.multipliedBy(2));
      WriteResult again =
          writer.commitStaged(
              NS, List.of(first), new WriterPosition(id, claim.epoch(), 1), false, null);
      assertThat(again.deduplicated()).isTrue();
      assertThat(backing.list(NamespaceLayout.namespaceRoot(NS) + "wal/")).hasSize(before);
      assertThat(writer.query(NS, QueryRequest.builder().build()).rows()).hasSize(2);
    }
  }

  private int listings;

  /** Repair lists the project's objects twice: for the names, then to sweep. */
  private boolean sweepListing() {
    return ++listings == 2;
  }

  @Test
  void aGracePeriodUnderOneSecondIsRefused() {
    assertThatThrownBy(() -> EngineConfig.builder().sweepGracePeriod(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot set sweepGracePeriod to PT0S: it must be at least one second (commits refuse"
                + " objects older than half of it)");
  }

  @Test
  void aCompactionLongerThanHalfTheGracePeriodDoesNotCommitSweptSegments() {
    try (Engine compactor = engine(hooked);
        Engine repairer = engine(backing)) {
      compactor.write(NS, WriteRequest.upsert(List.of(Document.of("a", Map.of()))));
      compactor.write(NS, WriteRequest.upsert(List.of(Document.of("b", Map.of()))));
      // The segment is written, then the compaction stalls past the grace period and a sweep runs.
      hooked.after(
          Op.PUT,
          k -> k.contains("/segments/"),
          () -> {
            clock.advance(GRACE.plusMinutes(1));
            repairer.repair("acme", "sweep", true);
          });

      assertThatThrownBy(() -> compactor.compact(NS, false))
          .isInstanceOf(CommitFailedException.class)
          .hasMessageStartingWith("Cannot compact " + NS + ": segment ")
          .hasMessageContaining("was written 3660 s ago, more than half the sweep grace period")
          .hasMessageEndingWith(
              "nothing was committed; retry, or raise EngineConfig.sweepGracePeriod above twice"
                  + " the time a compaction of this namespace takes");
      assertEveryReferencedObjectExists();
      assertThat(backing.list(NamespaceLayout.namespaceRoot(NS) + "segments/")).isEmpty();
      assertThat(compactor.query(NS, QueryRequest.builder().build()).rows()).hasSize(2);
    }
  }

  @Test
  void aCopyLongerThanHalfTheGracePeriodDoesNotCommitSweptObjects() {
    NamespacePath target = NS.sibling("copy");
    try (Engine copier = engine(hooked);
        Engine repairer = engine(backing)) {
      copier.write(NS, WriteRequest.upsert(List.of(Document.of("a", Map.of()))));
      hooked.after(
          Op.PUT,
          k -> k.startsWith(NamespaceLayout.namespaceRoot(target)),
          () -> {
            clock.advance(GRACE.plusMinutes(1));
            repairer.repair("acme", "sweep", true);
          });

      assertThatThrownBy(() -> copier.copy(NS, target))
          .isInstanceOf(CommitFailedException.class)
          .hasMessageStartingWith("Cannot copy " + NS + " into " + target + ": WAL batch ")
          .hasMessageContaining("more than half the sweep grace period (3600 s)");
      assertThat(copier.namespaceExists(target)).isFalse();
      assertThat(backing.list(NamespaceLayout.namespaceRoot(target))).isEmpty();
    }
  }
}
