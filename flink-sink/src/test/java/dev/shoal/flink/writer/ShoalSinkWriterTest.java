package dev.shoal.flink.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.Consistency;
import dev.shoal.engine.Engine;
import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.NamespaceNotFoundException;
import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.WriterPosition;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.flink.InvalidRecordPolicy;
import dev.shoal.flink.ShoalConverter;
import dev.shoal.flink.ShoalWrite;
import dev.shoal.flink.committer.ShoalCommittable;
import dev.shoal.flink.internal.SinkSettings;
import dev.shoal.flink.internal.StoreUri;
import dev.shoal.flink.testing.ManualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.metrics.groups.InternalSinkWriterMetricGroup;
import org.apache.flink.runtime.metrics.groups.MetricsGroupTestUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The writer on its own: bad input, flush triggers, positions of committables. */
class ShoalSinkWriterTest {
  private static final NamespacePath NS = NamespacePath.parse("acme/search/docs");

  /** Test input: an id, a vector, or {@code bad} to make the converter throw. */
  record Rec(String id, float[] vector) {}

  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final Engine engine = Engine.builder().store(store).build();
  private final ManualTime time = new ManualTime();
  private final InternalSinkWriterMetricGroup metrics =
      MetricsGroupTestUtils.mockWriterMetricGroup();
  private final List<ShoalSinkWriter<Rec>> writers = new ArrayList<>();

  @AfterEach
  void close() {
    writers.forEach(ShoalSinkWriter::close);
    engine.close();
  }

  private static final ShoalConverter<Rec> CONVERTER =
      r -> ShoalWrite.upsert(new Document(r.id(), r.vector(), null, Map.of(), Map.of()));

  @Test
  void failsOnANullIdNamingTheRecord() {
    ShoalSinkWriter<Rec> writer = writer(false, InvalidRecordPolicy.FAIL, 10);
    assertThatThrownBy(() -> writer.write(new Rec(null, new float[] {1, 2}), null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith(
            "Cannot write record #1 of sink test subtask 0 to acme/search/docs:")
        .hasMessageContaining("id is missing or empty")
        .hasMessageContaining("(record: Rec[id=null");
  }

  @Test
  void failsOnAVectorOfTheWrongDimensionNamingTheRecord() throws Exception {
    engine.write(
        NS, WriteRequest.upsert(List.of(Document.of("x", new float[] {1, 2, 3}, Map.of()))));
    ShoalSinkWriter<Rec> writer = writer(false, InvalidRecordPolicy.FAIL, 10);
    writer.write(new Rec("a", new float[] {1, 2, 3}), null);

    assertThatThrownBy(() -> writer.write(new Rec("b", new float[] {1, 2}), null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith(
            "Cannot write record #2 of sink test subtask 0 to acme/search/docs:")
        .hasMessageContaining("document \"b\" has a 2-dimensional vector but the namespace uses 3");
  }

  @Test
  void theFirstVectorOfANewNamespacePinsItsDimensionForLaterRecords() throws Exception {
    ShoalSinkWriter<Rec> writer = writer(false, InvalidRecordPolicy.FAIL, 10);
    writer.write(new Rec("a", new float[] {1, 2}), null);

    assertThatThrownBy(() -> writer.write(new Rec("b", new float[] {1, 2, 3}), null))
        .hasMessageContaining(
            "document \"b\" has a 3-dimensional vector but the namespace uses 2 dimensions (set by"
                + " record #1 (document \"a\"))");
  }

  @Test
  void skipsAndCountsInvalidRecordsWhenConfigured() throws Exception {
    ShoalSinkWriter<Rec> writer = writer(false, InvalidRecordPolicy.SKIP, 10);
    writer.write(new Rec("a", new float[] {1, 2}), null);
    writer.write(new Rec(null, new float[] {1, 2}), null);
    writer.write(new Rec("c", new float[] {1, 2, 3}), null);
    writer.write(new Rec("d", new float[] {3, 4}), null);
    writer.flush(false);

    assertThat(metrics.getNumRecordsOutErrorsCounter().getCount()).isEqualTo(2);
    assertThat(metrics.getNumRecordsSendCounter().getCount()).isEqualTo(2);
    assertThat(engine.getNamespace(NS).docCount()).isEqualTo(2);
  }

  @Test
  void storeCallsRunOnNamedThreadsThatStopOnClose() throws Exception {
    ShoalSinkWriter<Rec> writer = writer(false, InvalidRecordPolicy.FAIL, 1);
    writer.write(new Rec("a", new float[] {1, 2}), null); // full batch: sent on an I/O thread
    writer.flush(false);
    assertThat(ioThreads())
        .isNotEmpty()
        .allMatch(t -> t.getName().startsWith("shoal-sink-test-0-io-"));

    writers.remove(writer);
    writer.close();
    for (Thread t : ioThreads()) {
      t.join(5_000);
    }
    assertThat(ioThreads()).as("I/O threads alive after close").isEmpty();
  }

  private static List<Thread> ioThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("shoal-sink-test-0-io-") && t.isAlive())
        .toList();
  }

  @Test
  void atLeastOnceWritesAFullBatchAtOnceAndTheRestWhenTheIntervalPasses() throws Exception {
    ShoalSinkWriter<Rec> writer = writer(false, InvalidRecordPolicy.FAIL, 2);
    writer.write(new Rec("a", new float[] {1, 2}), null);
    writer.write(new Rec("b", new float[] {1, 2}), null); // full: sent
    writer.write(new Rec("c", new float[] {1, 2}), null);
    awaitDocs(2);

    time.advance(1000); // the flush interval
    awaitDocs(3);
    writer.flush(false); // takes the outcome of the batch in flight, counting its records
    assertThat(metrics.getNumRecordsSendCounter().getCount()).isEqualTo(3);
  }

  @Test
  void keepsTheLastChangePerIdWithinABatch() throws Exception {
    ShoalConverter<Rec> converter =
        r -> r.vector() == null ? ShoalWrite.delete(r.id()) : CONVERTER.convert(r);
    ShoalSinkWriter<Rec> writer = writer(false, InvalidRecordPolicy.FAIL, 100, converter);
    writer.write(new Rec("a", new float[] {1, 2}), null);
    writer.write(new Rec("a", null), null);
    writer.write(new Rec("b", null), null);
    writer.write(new Rec("b", new float[] {5, 6}), null);
    writer.flush(false);

    assertThat(engine.getDocument(NS, "a", Consistency.STRONG)).isEmpty();
    assertThat(engine.getDocument(NS, "b", Consistency.STRONG).orElseThrow().vector())
        .containsExactly(5, 6);
    assertThat(engine.getNamespace(NS).walRecords()).isEqualTo(2);
  }

  @Test
  void exactlyOnceStagesInvisiblyAndPositionsCommittablesAboveTheCommittedPosition()
      throws Exception {
    // An earlier run of this sink committed position 40 for subtask 0.
    var claim = engine.claimWriter(NS, "flink/test/0", true, null);
    engine.commitStaged(
        NS,
        List.of(
            engine.stage(
                NS,
                WriteRequest.upsert(List.of(Document.of("old", new float[] {1, 1}, Map.of()))))),
        new WriterPosition("flink/test/0", claim.epoch(), 40),
        true,
        null);
    ShoalSinkWriter<Rec> writer = writer(true, InvalidRecordPolicy.FAIL, 2);
    writer.write(new Rec("a", new float[] {1, 2}), null);
    writer.write(new Rec("b", new float[] {1, 2}), null);
    writer.write(new Rec("c", new float[] {1, 2}), null);
    writer.flush(false);
    assertThat(engine.getNamespace(NS).docCount()).as("staged, not committed").isEqualTo(1);

    List<ShoalCommittable> first = new ArrayList<>(writer.prepareCommit());
    writer.snapshotState(1);
    writer.write(new Rec("d", new float[] {1, 2}), null);
    List<ShoalCommittable> second = new ArrayList<>(writer.prepareCommit());

    assertThat(first).hasSize(1);
    assertThat(first.get(0).batches()).hasSize(2);
    assertThat(first.get(0).records()).isEqualTo(3);
    assertThat(first.get(0).position()).isEqualTo(41);
    assertThat(second.get(0).position()).isEqualTo(42);
    assertThat(second.get(0).writerId()).isEqualTo("flink/test/0");
  }

  @Test
  void closingBetweenCheckpointsDeletesStagedObjectsNoCommittableRefersTo() throws Exception {
    ShoalSinkWriter<Rec> writer = writer(true, InvalidRecordPolicy.FAIL, 1);
    writer.write(new Rec("a", new float[] {1, 2}), null);
    writer.flush(false);
    assertThat(store.list("acme/search/ns/docs/wal/")).hasSize(1);

    writer.close();
    writers.remove(writer);

    assertThat(store.list("acme/search/ns/docs/wal/")).isEmpty();
    assertThatThrownBy(() -> engine.getNamespace(NS))
        .isInstanceOf(NamespaceNotFoundException.class);
  }

  private void awaitDocs(long n) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        if (engine.getNamespace(NS).docCount() == n) {
          return;
        }
      } catch (NamespaceNotFoundException e) {
        // not yet
      }
      Thread.sleep(5);
    }
    assertThat(engine.getNamespace(NS).docCount()).isEqualTo(n);
  }

  private ShoalSinkWriter<Rec> writer(boolean exactlyOnce, InvalidRecordPolicy policy, int batch) {
    return writer(exactlyOnce, policy, batch, CONVERTER);
  }

  private ShoalSinkWriter<Rec> writer(
      boolean exactlyOnce, InvalidRecordPolicy policy, int batch, ShoalConverter<Rec> converter) {
    SinkSettings settings =
        new SinkSettings(
            new StoreUri("memory://unused", dev.shoal.flink.internal.S3Settings.NONE),
            NS.toString(),
            exactlyOnce,
            "test",
            batch,
            1 << 20,
            Duration.ofSeconds(1),
            1,
            Duration.ofMillis(1),
            null,
            policy,
            false);
    ShoalSinkWriter<Rec> writer =
        new ShoalSinkWriter<>(
            settings, converter, null, Engine.builder().store(store).build(), 0, 0, time, metrics);
    writers.add(writer);
    return writer;
  }
}
