package dev.shoal.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.Engine;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.flink.internal.S3Settings;
import dev.shoal.flink.internal.StoreUri;
import dev.shoal.flink.testing.Changes;
import dev.shoal.flink.testing.CrashingStoreFactory;
import dev.shoal.flink.testing.FailOnceAfterCheckpoint;
import dev.shoal.flink.testing.Jobs;
import dev.shoal.flink.testing.NamespaceContents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Jobs that fail once and recover from their last checkpoint. Every event upserts a document of its
 * own, so with exactly-once the namespace's WAL holds exactly one record per event (nothing applied
 * twice, nothing lost), and with at-least-once the documents are still exactly the input.
 */
class ShoalSinkFailoverIT {
  private static final int EVENTS = 20_000;
  private static final NamespacePath NS = NamespacePath.parse("acme/search/failover");

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(4)
              .build());

  @TempDir Path store;
  private String uri;

  @BeforeEach
  void reset(org.junit.jupiter.api.TestInfo info) {
    uri = store.toUri().toString();
    FailOnceAfterCheckpoint.FAILED.set(false);
    CrashingStoreFactory.disarm();
  }

  @AfterEach
  void disarm() {
    CrashingStoreFactory.disarm();
  }

  @ParameterizedTest
  @EnumSource(
      value = DeliveryGuarantee.class,
      names = {"EXACTLY_ONCE", "AT_LEAST_ONCE"})
  void recoversFromAFailureAfterACompletedCheckpoint(DeliveryGuarantee guarantee) throws Exception {
    StreamExecutionEnvironment env = env();
    DataStream<Changes.Event> events =
        Jobs.source(env, Changes::distinct, EVENTS, 5_000)
            .map(new FailOnceAfterCheckpoint())
            .setParallelism(1);
    Jobs.sink(events, sink(guarantee, new StoreUri(uri, S3Settings.NONE)));
    env.execute("fail after checkpoint " + guarantee);

    assertThat(FailOnceAfterCheckpoint.FAILED).isTrue();
    verify(guarantee);
  }

  /**
   * Fifty ids, each upserted hundreds of times across many checkpoints, and a failure in between:
   * the replay re-applies upserts (at-least-once) or re-commits nothing (exactly-once), and each id
   * ends with its last value either way.
   */
  @ParameterizedTest
  @EnumSource(
      value = DeliveryGuarantee.class,
      names = {"AT_LEAST_ONCE", "EXACTLY_ONCE"})
  void repeatedKeysEndInTheirLastValueAfterAFailure(DeliveryGuarantee guarantee) throws Exception {
    StreamExecutionEnvironment env = env();
    DataStream<Changes.Event> events =
        Jobs.source(env, ShoalSinkFailoverIT::repeated, EVENTS, 5_000)
            .map(new FailOnceAfterCheckpoint())
            .setParallelism(1);
    Jobs.sink(events, sink(guarantee, new StoreUri(uri, S3Settings.NONE)));
    env.execute("repeated keys " + guarantee);

    assertThat(FailOnceAfterCheckpoint.FAILED).isTrue();
    List<Changes.Event> all = new ArrayList<>();
    for (long i = 0; i < EVENTS; i++) {
      all.add(repeated(i));
    }
    Map<String, NamespaceContents.Doc> expected = Changes.expected(all);
    assertThat(expected).hasSize(50);
    try (Engine engine =
        Engine.builder().store(new StoreUri(uri, S3Settings.NONE).open()).build()) {
      assertThat(NamespaceContents.read(engine, NS)).isEqualTo(expected);
    }
  }

  private static Changes.Event repeated(long i) {
    return new Changes.Event(i, "upsert", "doc-" + (i % 50), i);
  }

  @ParameterizedTest
  @EnumSource(CrashingStoreFactory.When.class)
  void exactlyOnceRecoversFromACrashInsideTheCommit(CrashingStoreFactory.When when)
      throws Exception {
    StreamExecutionEnvironment env = env();
    // Versions 1-2 create the namespace and claim the writers; crash a later data commit.
    CrashingStoreFactory.arm(when, 6);
    Jobs.sink(
        Jobs.source(env, Changes::distinct, EVENTS, 8_000),
        sink(
            DeliveryGuarantee.EXACTLY_ONCE,
            new CrashingStoreFactory(new StoreUri(uri, S3Settings.NONE))));
    env.execute("crash in commit " + when);

    assertThat(CrashingStoreFactory.crashes()).isEqualTo(1);
    verify(DeliveryGuarantee.EXACTLY_ONCE);
  }

  @Test
  void atLeastOnceRecoversFromACrashAfterAWriteCommitted() throws Exception {
    StreamExecutionEnvironment env = env();
    CrashingStoreFactory.arm(CrashingStoreFactory.When.AFTER_SWAP, 6);
    Jobs.sink(
        Jobs.source(env, Changes::distinct, EVENTS, 8_000),
        sink(
            DeliveryGuarantee.AT_LEAST_ONCE,
            new CrashingStoreFactory(new StoreUri(uri, S3Settings.NONE))));
    env.execute("crash after write");

    assertThat(CrashingStoreFactory.crashes()).isEqualTo(1);
    verify(DeliveryGuarantee.AT_LEAST_ONCE);
  }

  private static StreamExecutionEnvironment env() {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    env.enableCheckpointing(200);
    return env;
  }

  private static ShoalSink<Changes.Event> sink(
      DeliveryGuarantee guarantee, ObjectStoreFactory store) {
    return ShoalSink.<Changes.Event>builder()
        .objectStoreFactory(store)
        .namespace(NS.toString())
        .converter(Changes::toWrite)
        .compaction(false) // keeps every WAL record countable
        .deliveryGuarantee(guarantee)
        .batchMaxDocs(500)
        .flushInterval(Duration.ofMillis(100))
        .maxRetries(1)
        .retryBackoff(Duration.ofMillis(1))
        .build();
  }

  private void verify(DeliveryGuarantee guarantee) {
    List<Changes.Event> events = new ArrayList<>();
    for (long i = 0; i < EVENTS; i++) {
      events.add(Changes.distinct(i));
    }
    Map<String, NamespaceContents.Doc> expected = Changes.expected(events);
    try (Engine engine =
        Engine.builder().store(new StoreUri(uri, S3Settings.NONE).open()).build()) {
      assertThat(NamespaceContents.read(engine, NS)).isEqualTo(expected);
      long walRecords = engine.getNamespace(NS).walRecords();
      if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
        assertThat(walRecords).as("WAL records: each event applied once").isEqualTo(EVENTS);
      } else {
        assertThat(walRecords).isGreaterThanOrEqualTo(EVENTS);
      }
    }
  }
}
