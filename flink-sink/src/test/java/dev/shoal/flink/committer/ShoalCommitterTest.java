package dev.shoal.flink.committer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.Engine;
import dev.shoal.engine.StagedBatch;
import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.storage.StorageException;
import dev.shoal.flink.InvalidRecordPolicy;
import dev.shoal.flink.ObjectStoreFactory;
import dev.shoal.flink.internal.Retrier;
import dev.shoal.flink.internal.SinkSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.connector.sink2.Committer.CommitRequest;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The committer without a cluster: commit, snapshot and restore, re-commit, fencing, faults. */
class ShoalCommitterTest {
  private static final NamespacePath NS = NamespacePath.parse("acme/search/docs");
  private static final String WRITER = "flink/test/0";

  private final FlakyStore store = new FlakyStore(new InMemoryObjectStore());
  private final Engine engine = Engine.builder().store(store).build();
  private final List<Long> sleeps = new ArrayList<>();
  private final List<ShoalCommitter> committers = new ArrayList<>();

  /** The metric group of the newest committer. */
  private RecordingMetrics metrics;

  /** Keeps the counters a committer registers, by name. */
  private static final class RecordingMetrics extends UnregisteredMetricsGroup {
    final java.util.Map<String, org.apache.flink.metrics.Counter> counters =
        new java.util.HashMap<>();

    @Override
    public org.apache.flink.metrics.Counter counter(String name) {
      return counter(name, new org.apache.flink.metrics.SimpleCounter());
    }

    @Override
    public <C extends org.apache.flink.metrics.Counter> C counter(String name, C counter) {
      counters.put(name, counter);
      return counter;
    }

    long count(String name) {
      return counters.get(name).getCount();
    }
  }

  @AfterEach
  void close() {
    committers.forEach(ShoalCommitter::close);
    engine.close();
  }

  @Test
  void commitsStagedBatchesWithTheWriterPosition() throws Exception {
    ShoalCommittable c = committable(WRITER, 1, 5, "a", "b");
    Request r = new Request(c);
    committer().commit(List.of(r));

    assertThat(r.alreadyCommitted).isFalse();
    assertThat(engine.getNamespace(NS).walRecords()).isEqualTo(2);
    assertThat(engine.writerPosition(NS, WRITER)).hasValue(5);
  }

  @Test
  void recommitAfterRestoreIsANoOp() throws Exception {
    ShoalCommittable c = committable(WRITER, 1, 5, "a", "b");
    ShoalCommittableSerializer serializer = new ShoalCommittableSerializer();
    byte[] snapshot = serializer.serialize(c);
    committer().commit(List.of(new Request(c)));
    assertThat(metrics.count("committedCheckpoints")).isEqualTo(1);
    assertThat(metrics.count("committedBatches")).isEqualTo(1);
    assertThat(metrics.count("committedRecords")).isEqualTo(2);
    assertThat(metrics.count("deduplicatedCommits")).isZero();

    // The job fails after the commit but before Flink learns of it: a new committer restores the
    // committable from the checkpoint and commits it again.
    ShoalCommittable restored = serializer.deserialize(serializer.getVersion(), snapshot);
    assertThat(restored).isEqualTo(c);
    Request again = new Request(restored);
    committer().commit(List.of(again));

    assertThat(again.alreadyCommitted).isTrue();
    assertThat(metrics.count("deduplicatedCommits")).isEqualTo(1);
    assertThat(metrics.count("committedRecords")).as("nothing written again").isZero();
    assertThat(engine.getNamespace(NS).walRecords()).isEqualTo(2);
    // Claim and commit, then the new committer's claim: the re-commit itself adds no version.
    assertThat(engine.getNamespace(NS).version()).isEqualTo(3);
    assertThat(store.stat(c.batches().get(0).key())).as("committed objects stay").isPresent();
  }

  @Test
  void recommitOfACompactedCommittableIsANoOp() throws Exception {
    ShoalCommittable c = committable(WRITER, 1, 5, "a");
    committer().commit(List.of(new Request(c)));
    store.delete(c.batches().get(0).key()); // as compaction would, after folding it into a segment

    Request again = new Request(c);
    committer().commit(List.of(again));

    assertThat(again.alreadyCommitted).isTrue();
  }

  @Test
  void commitsCheckpointsOfOneWriterInPositionOrderAsSeparateVersions() throws Exception {
    ShoalCommittable later = committable(WRITER, 3, 7, "a");
    ShoalCommittable earlier = committable(WRITER, 2, 6, "a", "b");
    committer().commit(List.of(new Request(later), new Request(earlier)));

    assertThat(engine.writerPosition(NS, WRITER)).hasValue(7);
    assertThat(engine.getNamespace(NS).walFiles()).isEqualTo(2);
    assertThat(engine.getNamespace(NS).version()).isEqualTo(3); // claim + one per checkpoint
    // "a" from the later checkpoint wins.
    assertThat(
            engine.getDocument(NS, "a", dev.shoal.engine.Consistency.STRONG).orElseThrow().attrs())
        .containsEntry("n", 3L);
  }

  @Test
  void commitsCommittablesOfSeveralOldSubtasksAfterARescale() throws Exception {
    // Restored at parallelism 1 from a checkpoint of parallelism 3: one committer commits for
    // writer ids 0, 1 and 2, each under its own claim.
    ShoalCommitter committer = committer();
    List<CommitRequest<ShoalCommittable>> requests = new ArrayList<>();
    for (int subtask = 0; subtask < 3; subtask++) {
      requests.add(new Request(committable("flink/test/" + subtask, 4, 4, "doc-" + subtask)));
    }
    committer.commit(requests);

    for (int subtask = 0; subtask < 3; subtask++) {
      assertThat(engine.writerPosition(NS, "flink/test/" + subtask)).hasValue(4);
    }
    assertThat(engine.getNamespace(NS).walRecords()).isEqualTo(3);
  }

  @Test
  void aCommitterFencedByANewerInstanceFailsAndSaysWhy() throws Exception {
    ShoalCommitter zombie = committer();
    zombie.commit(List.of(new Request(committable(WRITER, 1, 1, "a"))));
    committer().commit(List.of(new Request(committable(WRITER, 2, 2, "b"))));

    assertThatThrownBy(() -> zombie.commit(List.of(new Request(committable(WRITER, 3, 3, "c")))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(
            "Cannot commit checkpoint 3 of writer flink/test/0 to acme/search/docs")
        .hasMessageContaining("another instance claimed this writer id")
        .hasMessageContaining("same sink uid \"test\"");
    assertThat(engine.getDocument(NS, "c", dev.shoal.engine.Consistency.STRONG)).isEmpty();
  }

  @Test
  void backsOffOnTransientFaultsInsideCommit() throws Exception {
    ShoalCommittable c = committable(WRITER, 1, 1, "a");
    store.failStats.set(2);
    committer().commit(List.of(new Request(c)));

    assertThat(sleeps).hasSize(2);
    assertThat(engine.writerPosition(NS, WRITER)).hasValue(1);
  }

  @Test
  void failsWhenTransientFaultsOutlastTheRetries() throws Exception {
    ShoalCommitter committer = committer();
    committer.commit(List.of(new Request(committable(WRITER, 1, 1, "z"))));
    ShoalCommittable c = committable(WRITER, 2, 2, "a");
    store.failStats.set(100);

    assertThatThrownBy(() -> committer.commit(List.of(new Request(c))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(
            "Cannot commit checkpoint 2 of writer flink/test/0 to acme/search/docs")
        .hasMessageContaining("Injected transient fault");
    assertThat(sleeps).hasSize(2);
  }

  @Test
  void aStagedObjectThatVanishedBeforeItsCommitIsReportedAsLost() throws Exception {
    ShoalCommittable c = committable(WRITER, 1, 1, "a");
    store.delete(c.batches().get(0).key());

    assertThatThrownBy(() -> committer().commit(List.of(new Request(c))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("staged WAL object " + c.batches().get(0).key() + " no longer exists")
        .hasMessageContaining("its 1 records are lost");
  }

  // -----------------------------------------------------------------------------------------------

  private ShoalCommitter committer() {
    SinkSettings settings =
        new SinkSettings(
            new Unused(),
            NS.toString(),
            true,
            "test",
            1000,
            1 << 20,
            Duration.ofSeconds(1),
            2,
            Duration.ofMillis(10),
            null,
            InvalidRecordPolicy.FAIL,
            false);
    Retrier retrier = new Retrier(2, Duration.ofMillis(10), Duration.ofSeconds(1), sleeps::add);
    metrics = new RecordingMetrics();
    // Each committer gets an engine of its own over the shared store, like a restarted task.
    ShoalCommitter committer =
        new ShoalCommitter(settings, Engine.builder().store(store).build(), retrier, metrics);
    committers.add(committer);
    return committer;
  }

  private ShoalCommittable committable(
      String writerId, long checkpoint, long position, String... ids) {
    List<Document> docs = new ArrayList<>();
    for (String id : ids) {
      docs.add(Document.of(id, new float[] {1, 0}, Map.of("n", checkpoint)));
    }
    StagedBatch batch = engine.stage(NS, WriteRequest.upsert(docs));
    return new ShoalCommittable(writerId, NS, checkpoint, position, List.of(batch));
  }

  /** A commit request that records how it ended. */
  private static final class Request implements CommitRequest<ShoalCommittable> {
    private final ShoalCommittable committable;
    boolean alreadyCommitted;

    Request(ShoalCommittable committable) {
      this.committable = committable;
    }

    @Override
    public ShoalCommittable getCommittable() {
      return committable;
    }

    @Override
    public int getNumberOfRetries() {
      return 0;
    }

    @Override
    public void signalFailedWithKnownReason(Throwable t) {
      throw new AssertionError("unexpected", t);
    }

    @Override
    public void signalFailedWithUnknownReason(Throwable t) {
      throw new AssertionError("unexpected", t);
    }

    @Override
    public void retryLater() {
      throw new AssertionError("unexpected");
    }

    @Override
    public void updateAndRetryLater(ShoalCommittable committable) {
      throw new AssertionError("unexpected");
    }

    @Override
    public void signalAlreadyCommitted() {
      alreadyCommitted = true;
    }
  }

  /** The committer under test gets its engine directly; its settings' factory is never used. */
  private static final class Unused implements ObjectStoreFactory {
    private static final long serialVersionUID = 1L;

    @Override
    public ObjectStore open() {
      throw new UnsupportedOperationException();
    }

    @Override
    public String describe() {
      return "unused";
    }
  }

  /** Fails the next {@code failStats} stat calls with a transient fault. */
  private static final class FlakyStore implements ObjectStore {
    final AtomicInteger failStats = new AtomicInteger();
    private final ObjectStore store;

    FlakyStore(ObjectStore store) {
      this.store = store;
    }

    @Override
    public byte[] get(String key) {
      return store.get(key);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
      return store.getRange(key, offset, length);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
      if (failStats.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new StorageException("Injected transient fault on " + key, true, null);
      }
      return store.stat(key);
    }

    @Override
    public void put(String key, byte[] data) {
      store.put(key, data);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
      return store.putIfAbsent(key, data);
    }

    @Override
    public void delete(String key) {
      store.delete(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
      return store.list(prefix);
    }

    @Override
    public String describe() {
      return "flaky";
    }
  }
}
