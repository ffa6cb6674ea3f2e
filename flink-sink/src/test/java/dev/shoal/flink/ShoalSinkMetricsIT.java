package dev.shoal.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.Engine;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.flink.internal.S3Settings;
import dev.shoal.flink.internal.StoreUri;
import dev.shoal.flink.testing.Changes;
import dev.shoal.flink.testing.CountersReporter;
import dev.shoal.flink.testing.Jobs;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sink's metrics as a real job reports them: a reporter registered in the MiniCluster keeps the
 * writer's standard counters and the committer's own. One record has a vector of the wrong
 * dimension and is skipped, so it shows up as an error and nowhere else.
 */
class ShoalSinkMetricsIT {
  private static final int EVENTS = 3_000;
  private static final long BAD = 700;

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setConfiguration(CountersReporter.configure(new Configuration()))
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(4)
              .build());

  @TempDir Path store;

  @BeforeEach
  void clear() {
    CountersReporter.clear();
  }

  @ParameterizedTest
  @EnumSource(
      value = DeliveryGuarantee.class,
      names = {"EXACTLY_ONCE", "AT_LEAST_ONCE"})
  void reportsRecordsBytesErrorsAndCommits(DeliveryGuarantee guarantee) throws Exception {
    String uri = store.toUri().toString();
    NamespacePath ns = NamespacePath.parse("acme/search/metrics-" + guarantee);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(200);
    Jobs.sink(
        Jobs.source(env, Changes::distinct, EVENTS, 10_000),
        ShoalSink.<Changes.Event>builder()
            .storeUri(uri)
            .namespace(ns.toString())
            .converter(ShoalSinkMetricsIT::wrongDimensionAtBad)
            .deliveryGuarantee(guarantee)
            .invalidRecordPolicy(InvalidRecordPolicy.SKIP)
            .batchMaxDocs(250)
            .build());
    env.execute("metrics " + guarantee);

    try (Engine engine =
        Engine.builder().store(new StoreUri(uri, S3Settings.NONE).open()).build()) {
      assertThat(engine.getNamespace(ns).docCount()).isEqualTo(EVENTS - 1);
      assertThat(engine.getDocument(ns, "doc-" + BAD, dev.shoal.engine.Consistency.STRONG))
          .isEmpty();
    }
    // Distinct ids, no failure: every valid record is sent exactly once.
    assertThat(CountersReporter.registered("numRecordsSend")).isEqualTo(2);
    assertThat(CountersReporter.sum("numRecordsSend")).isEqualTo(EVENTS - 1);
    // About 8 floats and two attributes per document: far more than 32 bytes each.
    assertThat(CountersReporter.sum("numBytesSend")).isGreaterThan(32L * (EVENTS - 1));
    assertThat(CountersReporter.sum("numRecordsOutErrors")).as("skipped records").isEqualTo(1);
    // Flink registers numRecordsSendErrors as the same counter as numRecordsOutErrors.
    assertThat(CountersReporter.sum("numRecordsSendErrors")).isEqualTo(1);
    if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
      assertThat(CountersReporter.sum("committedCheckpoints")).isGreaterThanOrEqualTo(1);
      assertThat(CountersReporter.sum("committedRecords")).isEqualTo(EVENTS - 1);
      assertThat(CountersReporter.sum("deduplicatedCommits")).isZero();
    }
  }

  private static ShoalWrite wrongDimensionAtBad(Changes.Event e) {
    if (e.index() != BAD) {
      return Changes.toWrite(e);
    }
    return ShoalWrite.upsert(
        new Document(e.id(), new float[] {1, 2, 3}, null, null, Map.of("n", e.index())));
  }
}
