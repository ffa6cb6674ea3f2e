package dev.shoal.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.Engine;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.flink.internal.S3Settings;
import dev.shoal.flink.internal.StoreUri;
import dev.shoal.flink.testing.Changes;
import dev.shoal.flink.testing.Jobs;
import dev.shoal.flink.testing.NamespaceContents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ShoalSinkIT {
  private static final int DOCS = 50_000;

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(4)
              .build());

  /** The namespaces' folder: a local file store, as on a shared file system. */
  @TempDir Path store;

  @ParameterizedTest
  @EnumSource(
      value = DeliveryGuarantee.class,
      names = {"EXACTLY_ONCE", "AT_LEAST_ONCE"})
  void writesFiftyThousandDocumentsWithUpdatesAndDeletes(DeliveryGuarantee guarantee)
      throws Exception {
    String uri = store.toUri().toString();
    NamespacePath ns = NamespacePath.parse("acme/search/mixed");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(300);
    long count = Changes.mixedCount(DOCS);
    Jobs.sink(
        Jobs.source(env, i -> Changes.mixed(i, DOCS), count, 40_000),
        ShoalSink.<Changes.Event>builder()
            .storeUri(uri)
            .namespace(ns.toString())
            .converter(Changes::toWrite)
            .deliveryGuarantee(guarantee)
            .batchMaxDocs(1000)
            .build());
    env.execute("mixed " + guarantee);

    List<Changes.Event> events = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      events.add(Changes.mixed(i, DOCS));
    }
    Map<String, NamespaceContents.Doc> expected = Changes.expected(events);
    try (Engine engine =
        Engine.builder().store(new StoreUri(uri, S3Settings.NONE).open()).build()) {
      Map<String, NamespaceContents.Doc> actual = NamespaceContents.read(engine, ns);
      assertThat(actual).hasSameSizeAs(expected);
      assertThat(actual).isEqualTo(expected);
    }
  }

  @Test
  void aJobFailsOnAnInvalidRecordWithAMessageNamingIt() {
    StreamExecutionEnvironment env = env(2, "none");
    Jobs.sink(
        Jobs.source(env, Changes::distinct, 2_000, 20_000),
        ShoalSink.<Changes.Event>builder()
            .storeUri(store.toUri().toString())
            .namespace("acme/search/bad")
            .converter(ShoalSinkIT::nullIdAt700)
            .build());

    assertThatThrownBy(() -> env.execute("bad input"))
        .hasStackTraceContaining("Cannot write record #")
        .hasStackTraceContaining("to acme/search/bad: Invalid document: id is missing or empty")
        .hasStackTraceContaining("Event[index=700");
  }

  @Test
  void aJobFailsOnAWrongDimensionWithAMessageNamingTheRecord() {
    StreamExecutionEnvironment env = env(2, "none");
    Jobs.sink(
        Jobs.source(env, Changes::distinct, 2_000, 20_000),
        ShoalSink.<Changes.Event>builder()
            .storeUri(store.toUri().toString())
            .namespace("acme/search/dims")
            .converter(ShoalSinkIT::threeDimensionsAt900)
            .build());

    assertThatThrownBy(() -> env.execute("wrong dimension"))
        .hasStackTraceContaining("Cannot write record #")
        .hasStackTraceContaining("document \"doc-900\" has a 3-dimensional vector")
        .hasStackTraceContaining("Event[index=900");
  }

  private static ShoalWrite threeDimensionsAt900(Changes.Event e) {
    return e.index() == 900
        ? ShoalWrite.upsert(new Document(e.id(), new float[] {1, 2, 3}, null, null, null))
        : Changes.toWrite(e);
  }

  @Test
  void aJobSkipsInvalidRecordsWhenConfigured() throws Exception {
    String uri = store.toUri().toString();
    StreamExecutionEnvironment env = env(2, "none");
    Jobs.sink(
        Jobs.source(env, Changes::distinct, 2_000, 20_000),
        ShoalSink.<Changes.Event>builder()
            .storeUri(uri)
            .namespace("acme/search/bad")
            .converter(ShoalSinkIT::nullIdAt700)
            .invalidRecordPolicy(InvalidRecordPolicy.SKIP)
            .build());
    env.execute("bad input skipped");

    try (Engine engine =
        Engine.builder().store(new StoreUri(uri, S3Settings.NONE).open()).build()) {
      assertThat(engine.getNamespace(NamespacePath.parse("acme/search/bad")).docCount())
          .isEqualTo(1_999);
    }
  }

  private static ShoalWrite nullIdAt700(Changes.Event e) {
    return e.index() == 700
        ? ShoalWrite.upsert(new Document(null, new float[] {1}, null, null, null))
        : Changes.toWrite(e);
  }

  private static StreamExecutionEnvironment env(int parallelism, String restartStrategy) {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, restartStrategy);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    env.enableCheckpointing(300);
    return env;
  }
}
