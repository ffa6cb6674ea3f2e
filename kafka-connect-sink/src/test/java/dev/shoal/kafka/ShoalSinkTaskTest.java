package dev.shoal.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.Consistency;
import dev.shoal.engine.Engine;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.kafka.mapping.RejectedRecordException;
import dev.shoal.kafka.metrics.SinkTaskMetrics;
import dev.shoal.kafka.testing.FakeSinkTaskContext;
import dev.shoal.kafka.testing.FlakyStore;
import dev.shoal.kafka.write.SinkWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Drives {@link ShoalSinkTask} directly, as a worker would, against an in-memory store. */
class ShoalSinkTaskTest {
  static final TopicPartition TP = new TopicPartition("docs", 0);
  static final NamespacePath NS = NamespacePath.parse("acme/search/docs");

  private final InMemoryObjectStore memory = new InMemoryObjectStore();
  private final FlakyStore store = new FlakyStore(memory);
  private final List<ShoalSinkTask> started = new ArrayList<>();
  private final Engine reader = Engine.builder().store(memory).build();

  @AfterEach
  void stopAll() {
    for (ShoalSinkTask t : started) {
      t.stop();
    }
    reader.close();
  }

  static Map<String, String> props(String... kv) {
    Map<String, String> p = new HashMap<>();
    p.put("name", "sink");
    p.put(ShoalSinkConfig.STORE_URI, "file:///unused");
    p.put(ShoalSinkConfig.NAMESPACE, "acme/search/${topic}");
    p.put(ShoalSinkConfig.FLUSH_INTERVAL_MS, "3600000");
    p.put(ShoalSinkConfig.RETRY_BACKOFF_MS, "1");
    for (int i = 0; i < kv.length; i += 2) {
      p.put(kv[i], kv[i + 1]);
    }
    return p;
  }

  ShoalSinkTask start(FakeSinkTaskContext context, ObjectStore s) {
    ShoalSinkTask task = new ShoalSinkTask(c -> Engine.builder().store(s).build());
    task.initialize(context);
    task.start(context.configs());
    started.add(task);
    return task;
  }

  ShoalSinkTask start(FakeSinkTaskContext context) {
    return start(context, store);
  }

  static SinkRecord rec(TopicPartition tp, long offset, String key, Object value) {
    return new SinkRecord(tp.topic(), tp.partition(), null, key, null, value, offset);
  }

  static Map<String, Object> vec(float... v) {
    List<Object> list = new ArrayList<>();
    for (float f : v) {
      list.add(f);
    }
    Map<String, Object> m = new HashMap<>();
    m.put("vector", list);
    return m;
  }

  static List<SinkRecord> range(TopicPartition tp, long from, long to) {
    List<SinkRecord> out = new ArrayList<>();
    for (long o = from; o < to; o++) {
      out.add(rec(tp, o, "doc-" + o, vec(o, 1)));
    }
    return out;
  }

  static void flush(ShoalSinkTask task) {
    assertThat(task.writer().flushAll(10_000)).isTrue();
  }

  long appliedRecords(NamespacePath ns) {
    return reader.getNamespace(ns).walRecords();
  }

  @Test
  void commitsRecordsAndTheirOffsetAsOneWriterPosition() {
    FakeSinkTaskContext ctx = new FakeSinkTaskContext(props(), true);
    ShoalSinkTask task = start(ctx);
    task.open(List.of(TP));
    assertThat(ctx.offsets).isEmpty(); // nothing stored yet: no rewind
    task.put(range(TP, 0, 10));
    // Not durable yet: preCommit holds the offset back at the first pending record.
    assertThat(task.preCommit(Map.of(TP, new OffsetAndMetadata(10))))
        .containsEntry(TP, new OffsetAndMetadata(0));
    flush(task);
    assertThat(task.preCommit(Map.of(TP, new OffsetAndMetadata(10))))
        .containsEntry(TP, new OffsetAndMetadata(10));
    assertThat(reader.writerPosition(NS, SinkWriter.writerId("sink", TP))).hasValue(9);
    assertThat(reader.getDocument(NS, "doc-3", Consistency.STRONG))
        .contains(Document.of("doc-3", new float[] {3, 1}, Map.of()));
    assertThat(appliedRecords(NS)).isEqualTo(10);
  }

  @Test
  void resumesFromTheStoredPositionAndSkipsWhatIsAlreadyApplied() {
    ShoalSinkTask first = start(new FakeSinkTaskContext(props(), true));
    first.open(List.of(TP));
    first.put(range(TP, 0, 10));
    flush(first);
    first.close(List.of(TP));
    first.stop();
    started.remove(first);

    FakeSinkTaskContext ctx = new FakeSinkTaskContext(props(), true);
    ShoalSinkTask second = start(ctx);
    second.open(List.of(TP));
    assertThat(ctx.offsets).containsEntry(TP, 10L); // rewound to the stored position + 1
    // A lost offset commit: the consumer re-delivers from an older offset anyway.
    second.put(range(TP, 5, 15));
    flush(second);
    assertThat(appliedRecords(NS)).isEqualTo(15); // 0..14 once each
    assertThat(reader.writerPosition(NS, SinkWriter.writerId("sink", TP))).hasValue(14);
  }

  @Test
  void fencesAZombieThatKeepsFlushingAfterItsPartitionMoved() {
    ShoalSinkTask zombie = start(new FakeSinkTaskContext(props(), true));
    zombie.open(List.of(TP));
    zombie.put(range(TP, 0, 5));
    flush(zombie);

    // The partition moves: the new owner claims it, fencing the old instance.
    FakeSinkTaskContext ctx = new FakeSinkTaskContext(props(), true);
    ShoalSinkTask owner = start(ctx);
    owner.open(List.of(TP));
    assertThat(ctx.offsets).containsEntry(TP, 5L);

    // The zombie does not know yet and keeps going.
    zombie.put(range(TP, 5, 10));
    zombie.writer().flushAll(10_000);
    assertThat(zombie.writer().isFenced(TP)).isTrue();
    assertThat(zombie.preCommit(Map.of(TP, new OffsetAndMetadata(10)))).doesNotContainKey(TP);
    zombie.put(range(TP, 10, 12)); // ignored: it no longer writes the partition
    assertThat(appliedRecords(NS)).isEqualTo(5);

    // The owner reads from the rewound offset and loses nothing.
    owner.put(range(TP, 5, 12));
    flush(owner);
    assertThat(appliedRecords(NS)).isEqualTo(12);
    for (int i = 0; i < 12; i++) {
      assertThat(reader.getDocument(NS, "doc-" + i, Consistency.STRONG)).isPresent();
    }
  }

  @Test
  void fencedInFlightWriteOfAZombieIsDroppedWithoutLoss() {
    ShoalSinkTask zombie = start(new FakeSinkTaskContext(props(), true));
    zombie.open(List.of(TP));
    zombie.put(range(TP, 0, 3));
    flush(zombie);
    zombie.put(range(TP, 3, 6)); // buffered, not yet written

    ShoalSinkTask owner = start(new FakeSinkTaskContext(props(), true));
    owner.open(List.of(TP));
    owner.put(range(TP, 3, 8));
    flush(owner);

    zombie.writer().flushAll(10_000); // its batch 3..5 is refused
    assertThat(zombie.writer().isFenced(TP)).isTrue();
    assertThat(appliedRecords(NS)).isEqualTo(8);
    assertThat(reader.writerPosition(NS, SinkWriter.writerId("sink", TP))).hasValue(7);
  }

  @Test
  void claimsNamespacesLazilyWhenTheTemplateDependsOnTheRecord() {
    FakeSinkTaskContext ctx =
        new FakeSinkTaskContext(props("shoal.namespace", "acme/${field:tenant}/docs"), true);
    ShoalSinkTask task = start(ctx);
    task.open(List.of(TP));
    List<SinkRecord> records = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Map<String, Object> v = vec(i, 0);
      v.put("tenant", i % 2 == 0 ? "even" : "odd");
      records.add(rec(TP, i, "d" + i, v));
    }
    task.put(records);
    flush(task);
    assertThat(ctx.offsets).isEmpty();
    NamespacePath even = NamespacePath.parse("acme/even/docs");
    NamespacePath odd = NamespacePath.parse("acme/odd/docs");
    assertThat(reader.writerPosition(even, SinkWriter.writerId("sink", TP))).hasValue(8);
    assertThat(reader.writerPosition(odd, SinkWriter.writerId("sink", TP))).hasValue(9);

    // A restarted task replays from an older committed offset: each namespace skips its own.
    task.close(List.of(TP));
    ShoalSinkTask again = start(new FakeSinkTaskContext(ctx.configs(), true));
    again.open(List.of(TP));
    again.put(records);
    flush(again);
    assertThat(appliedRecords(even) + appliedRecords(odd)).isEqualTo(10);
  }

  @Test
  void sendsRecordsWithTheWrongDimensionToTheErrorReporter() {
    FakeSinkTaskContext ctx = new FakeSinkTaskContext(props(), true);
    ShoalSinkTask task = start(ctx);
    task.open(List.of(TP));
    task.put(
        List.of(
            rec(TP, 0, "a", vec(1, 2)),
            rec(TP, 1, "b", vec(1, 2, 3)),
            rec(TP, 2, null, vec(1, 2)),
            rec(TP, 3, "c", "{not json"),
            rec(TP, 4, "d", vec(3, 4))));
    flush(task);
    assertThat(ctx.reported).hasSize(3);
    assertThat(ctx.reported.get(0).error())
        .isInstanceOf(RejectedRecordException.class)
        .hasMessage(
            "Cannot write record (topic docs, partition 0, offset 1) to Shoal: its vector has 3"
                + " dimensions but namespace acme/search/docs has 2");
    assertThat(ctx.reported.get(1).error().getMessage())
        .contains("offset 2")
        .contains("the record key is null");
    assertThat(ctx.reported.get(2).error().getMessage())
        .contains("offset 3")
        .contains("malformed JSON");
    assertThat(appliedRecords(NS)).isEqualTo(2);
    assertThat(task.preCommit(Map.of(TP, new OffsetAndMetadata(5))))
        .containsEntry(TP, new OffsetAndMetadata(5));
  }

  @Test
  void failsTheTaskWithTheRecordCoordinatesWithoutAnErrorReporter() {
    ShoalSinkTask task = start(new FakeSinkTaskContext(props(), false));
    task.open(List.of(TP));
    assertThatThrownBy(() -> task.put(List.of(rec(TP, 7, "a", "{oops"))))
        .isInstanceOf(ConnectException.class)
        .hasMessageStartingWith(
            "Cannot write record (topic docs, partition 0, offset 7) to Shoal: the value is"
                + " malformed JSON")
        .hasMessageContaining("errors.tolerance=none");
  }

  @Test
  void skipsRejectedRecordsWithToleranceAllAndNoReporter() {
    FakeSinkTaskContext ctx = new FakeSinkTaskContext(props("errors.tolerance", "all"), false);
    ShoalSinkTask task = start(ctx);
    task.open(List.of(TP));
    task.put(List.of(rec(TP, 0, "a", "{oops"), rec(TP, 1, "b", vec(1))));
    flush(task);
    assertThat(appliedRecords(NS)).isEqualTo(1);
  }

  @Test
  void retriesTransientStoreErrorsAndNeverReportsThemAsBadRecords() {
    FakeSinkTaskContext ctx = new FakeSinkTaskContext(props(), true);
    ShoalSinkTask task = start(ctx);
    task.open(List.of(TP));
    store.failNextWrites(3);
    task.put(range(TP, 0, 10));
    flush(task);
    assertThat(store.failures()).isEqualTo(3);
    assertThat(ctx.reported).isEmpty();
    assertThat(appliedRecords(NS)).isEqualTo(10);
  }

  @Test
  void throwsRetriableExceptionOnceRetriesRunOutAndRecoversLater() {
    FakeSinkTaskContext ctx = new FakeSinkTaskContext(props(ShoalSinkConfig.RETRY_MAX, "1"), true);
    ShoalSinkTask task = start(ctx);
    task.open(List.of(TP));
    task.put(range(TP, 0, 5));
    store.failNextWrites(1_000);
    assertThat(task.writer().flushAll(500)).isFalse();
    assertThatThrownBy(() -> task.put(range(TP, 5, 10)))
        .isInstanceOf(RetriableException.class)
        .hasMessageContaining("Cannot write to Shoal yet")
        .hasMessageContaining("service unavailable (test)");
    assertThat(task.preCommit(Map.of(TP, new OffsetAndMetadata(5))))
        .containsEntry(TP, new OffsetAndMetadata(0));
    store.failNextWrites(0);
    task.put(range(TP, 5, 10)); // the worker redelivers the same records
    flush(task);
    assertThat(appliedRecords(NS)).isEqualTo(10);
    assertThat(ctx.reported).isEmpty();
  }

  @Test
  void stopsWaitingForWritesWhenTheTaskThreadIsInterrupted() {
    ShoalSinkTask task =
        start(new FakeSinkTaskContext(props(ShoalSinkConfig.RETRY_MAX, "100"), true));
    task.open(List.of(TP));
    task.put(range(TP, 0, 5));
    store.failNextWrites(1_000_000);
    long start = System.nanoTime();
    Thread.currentThread().interrupt(); // the worker giving up on a task that does not stop
    try {
      assertThat(task.writer().flushAll(30_000)).isFalse();
      task.close(List.of(TP));
    } finally {
      assertThat(Thread.interrupted()).as("interrupt kept").isTrue();
    }
    assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    store.failNextWrites(0);
  }

  @Test
  void failsOnPermanentStoreErrors() {
    ShoalSinkTask task = start(new FakeSinkTaskContext(props(), true));
    task.open(List.of(TP));
    task.put(range(TP, 0, 2));
    store.failPermanently(true);
    assertThatThrownBy(() -> task.writer().flushAll(5_000))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining(
            "Cannot write 2 records of docs-0 (offsets 0 to 1) to acme/search/docs")
        .hasMessageContaining("access denied (test)");
  }

  @Test
  void pausesPartitionsWhenBufferedBytesPassTheBoundAndResumesAfterward() {
    FakeSinkTaskContext ctx =
        new FakeSinkTaskContext(
            props(
                ShoalSinkConfig.BATCH_MAX_BYTES, "1024",
                ShoalSinkConfig.BUFFER_MAX_BYTES, "4096",
                ShoalSinkConfig.RETRY_MAX, "100",
                ShoalSinkConfig.RETRY_BACKOFF_MS, "20"),
            true);
    ShoalSinkTask task = start(ctx);
    task.open(List.of(TP));
    store.failNextWrites(1_000_000);
    task.put(range(TP, 0, 100));
    assertThat(ctx.paused).containsExactly(TP);
    assertThat(task.writer().pausedPartitions()).containsExactly(TP);
    store.failNextWrites(0);
    flush(task);
    task.put(List.of());
    assertThat(ctx.paused).isEmpty();
    assertThat(appliedRecords(NS)).isEqualTo(100);
  }

  @Test
  void mergesTheBatchesQueuedBehindASlowWriteIntoOneWriteWithoutReordering() throws Exception {
    FakeSinkTaskContext ctx =
        new FakeSinkTaskContext(
            props(
                ShoalSinkConfig.BATCH_MAX_DOCS, "2",
                ShoalSinkConfig.RETRY_MAX, "100",
                ShoalSinkConfig.RETRY_BACKOFF_MS, "20"),
            true);
    ShoalSinkTask task = start(ctx);
    task.open(List.of(TP));
    store.failNextWrites(1_000_000); // the first batch stays in flight, retrying
    task.put(
        List.of(
            rec(TP, 0, "a", vec(0, 1)), // batch 1, in flight
            rec(TP, 1, "b", vec(0, 2)),
            rec(TP, 2, "x", vec(1, 1)), // batches 2 to 5 queue behind it
            rec(TP, 3, "y", vec(2, 2)),
            rec(TP, 4, "x", null),
            rec(TP, 5, "z", vec(3, 3)),
            rec(TP, 6, "x", vec(4, 4)),
            rec(TP, 7, "z", null),
            rec(TP, 8, "y", vec(5, 5)),
            rec(TP, 9, "v", vec(6, 6))));
    store.failNextWrites(0);
    flush(task);

    // Two writes: batch 1 alone, then batches 2 to 5 merged, with the position of the last.
    assertThat(
            ManagementFactory.getPlatformMBeanServer()
                .getAttribute(SinkTaskMetrics.objectName("sink", "0"), "Batches"))
        .isEqualTo(2L);
    assertThat(reader.writerPosition(NS, SinkWriter.writerId("sink", TP))).hasValue(9);
    // x: upsert, delete, upsert; z: upsert, delete; y: upsert, upsert: each the last one.
    assertThat(reader.getDocument(NS, "x", Consistency.STRONG))
        .contains(Document.of("x", new float[] {4, 4}, Map.of()));
    assertThat(reader.getDocument(NS, "z", Consistency.STRONG)).isEmpty();
    assertThat(reader.getDocument(NS, "y", Consistency.STRONG))
        .contains(Document.of("y", new float[] {5, 5}, Map.of()));
    assertThat(reader.getNamespace(NS).docCount()).isEqualTo(5); // a, b, x, y, v
    // One WAL record per id and write: a, b; then x, y, z (a delete), v.
    assertThat(appliedRecords(NS)).isEqualTo(6);
  }

  @Test
  void writesAtLeastOnceWithoutWriterPositionsWhenExactlyOnceIsOff() {
    FakeSinkTaskContext ctx =
        new FakeSinkTaskContext(props(ShoalSinkConfig.EXACTLY_ONCE, "false"), true);
    ShoalSinkTask task = start(ctx);
    task.open(List.of(TP));
    task.put(range(TP, 0, 4));
    flush(task);
    assertThat(reader.writerPosition(NS, SinkWriter.writerId("sink", TP))).isEmpty();
    assertThat(reader.getNamespace(NS).docCount()).isEqualTo(4);
  }

  @Test
  void flushesOnMaxDocs() {
    ShoalSinkTask task =
        start(new FakeSinkTaskContext(props(ShoalSinkConfig.BATCH_MAX_DOCS, "3"), true));
    task.open(List.of(TP));
    task.put(range(TP, 0, 7));
    // Two full batches go out on their own; the seventh record waits for the interval.
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline
        && !task.preCommit(Map.of(TP, new OffsetAndMetadata(7)))
            .get(TP)
            .equals(new OffsetAndMetadata(6))) {
      Thread.onSpinWait();
    }
    assertThat(task.preCommit(Map.of(TP, new OffsetAndMetadata(7))))
        .containsEntry(TP, new OffsetAndMetadata(6));
    assertThat(reader.writerPosition(NS, SinkWriter.writerId("sink", TP))).hasValue(5);
  }

  @Test
  void flushesOnTheInterval() {
    ShoalSinkTask task =
        start(new FakeSinkTaskContext(props(ShoalSinkConfig.FLUSH_INTERVAL_MS, "20"), true));
    task.open(List.of(TP));
    task.put(range(TP, 0, 2));
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline
        && reader.namespaceExists(NS)
        && reader.writerPosition(NS, SinkWriter.writerId("sink", TP)).isEmpty()) {
      Thread.onSpinWait();
    }
    assertThat(reader.writerPosition(NS, SinkWriter.writerId("sink", TP))).hasValue(1);
  }
}
