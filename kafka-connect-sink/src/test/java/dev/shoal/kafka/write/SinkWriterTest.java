package dev.shoal.kafka.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.shoal.engine.Engine;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.kafka.ShoalSinkConfig;
import dev.shoal.kafka.metrics.SinkTaskMetrics;
import dev.shoal.kafka.testing.FakeSinkTaskContext;
import dev.shoal.kafka.testing.FlakyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link SinkWriter} on a mock clock: how long the task thread may block. */
class SinkWriterTest {
  static final TopicPartition TP = new TopicPartition("docs", 0);

  private final FlakyStore store = new FlakyStore(new InMemoryObjectStore());
  private final Engine engine = Engine.builder().store(store).build();
  private final MockTime time = new MockTime();
  private final List<SinkWriter> writers = new ArrayList<>();

  @AfterEach
  void close() {
    writers.forEach(SinkWriter::stop);
    engine.close();
  }

  static Map<String, String> props(String... kv) {
    Map<String, String> p = new HashMap<>();
    p.put("name", "sink");
    p.put(ShoalSinkConfig.STORE_URI, "file:///unused");
    p.put(ShoalSinkConfig.NAMESPACE, "acme/search/${topic}");
    p.put(ShoalSinkConfig.FLUSH_INTERVAL_MS, "3600000");
    for (int i = 0; i < kv.length; i += 2) {
      p.put(kv[i], kv[i + 1]);
    }
    return p;
  }

  SinkWriter writer(FakeSinkTaskContext context) {
    SinkWriter w =
        new SinkWriter(
            new ShoalSinkConfig(context.configs()),
            engine,
            context,
            new SinkTaskMetrics(),
            time,
            Executors.newSingleThreadScheduledExecutor());
    writers.add(w);
    return w;
  }

  /** Writes everything buffered; the mock clock only moves when the writer sleeps. */
  static void flush(SinkWriter w) {
    await().atMost(Duration.ofSeconds(10)).until(() -> w.flushAll(10));
  }

  static List<SinkRecord> records(int n) {
    List<SinkRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new SinkRecord(TP.topic(), TP.partition(), null, "d" + i, null, "{\"n\":1}", i));
    }
    return out;
  }

  @Test
  void blockingClaimRetriesInPutStopWithinThirtySecondsThenThrowRetriable() {
    // 100 retries from 1 s would block for many minutes; the task thread gets 30 s at most.
    FakeSinkTaskContext ctx =
        new FakeSinkTaskContext(
            props(
                ShoalSinkConfig.RETRY_MAX, "100",
                ShoalSinkConfig.RETRY_BACKOFF_MS, "1000",
                ShoalSinkConfig.NAMESPACE, "acme/search/${key}"),
            true);
    SinkWriter w = writer(ctx);
    w.open(List.of(TP));
    store.failNextWrites(Integer.MAX_VALUE);
    long start = time.milliseconds();
    assertThatThrownBy(() -> w.put(records(1)))
        .isInstanceOf(RetriableException.class)
        .hasMessageStartingWith(
            "Cannot prepare a namespace for writing yet (the worker will retry)")
        .hasMessageContaining("service unavailable (test)");
    long blocked = time.milliseconds() - start;
    assertThat(blocked).isLessThanOrEqualTo(SinkWriter.BLOCKING_BUDGET_MS).isGreaterThan(10_000);
    assertThat(ctx.timeouts).contains(1000L);

    store.failNextWrites(0);
    w.put(records(1)); // redelivered: the claim goes through now
    flush(w);
  }

  @Test
  void blockingClaimRetriesOnOpenStopWithinTheBudgetAndClaimOnFirstUse() {
    FakeSinkTaskContext ctx =
        new FakeSinkTaskContext(
            props(ShoalSinkConfig.RETRY_MAX, "100", ShoalSinkConfig.RETRY_BACKOFF_MS, "1000"),
            true);
    SinkWriter w = writer(ctx);
    store.failNextWrites(Integer.MAX_VALUE);
    long start = time.milliseconds();
    w.open(List.of(TP)); // not fatal: the claim is made on the first record instead
    assertThat(time.milliseconds() - start).isLessThanOrEqualTo(SinkWriter.BLOCKING_BUDGET_MS);
    assertThat(ctx.offsets).isEmpty();

    store.failNextWrites(0);
    w.put(records(3));
    flush(w);
    assertThat(w.committedOffset(TP, NamespacePath.parse("acme/search/docs"))).isEqualTo(2);
  }

  @Test
  void aLowerPollIntervalOverrideLowersTheBlockingBudget() {
    ShoalSinkConfig defaults = new ShoalSinkConfig(props());
    assertThat(SinkWriter.blockingBudgetMs(defaults)).isEqualTo(30_000);
    ShoalSinkConfig low =
        new ShoalSinkConfig(props("consumer.override.max.poll.interval.ms", "20000"));
    assertThat(SinkWriter.blockingBudgetMs(low)).isEqualTo(10_000);

    FakeSinkTaskContext ctx =
        new FakeSinkTaskContext(
            props(
                ShoalSinkConfig.RETRY_MAX,
                "100",
                ShoalSinkConfig.RETRY_BACKOFF_MS,
                "500",
                ShoalSinkConfig.NAMESPACE,
                "acme/search/${key}",
                "consumer.override.max.poll.interval.ms",
                "20000"),
            true);
    SinkWriter w = writer(ctx);
    w.open(List.of(TP));
    store.failNextWrites(Integer.MAX_VALUE);
    long start = time.milliseconds();
    assertThatThrownBy(() -> w.put(records(1))).isInstanceOf(RetriableException.class);
    assertThat(time.milliseconds() - start).isLessThanOrEqualTo(10_000);
  }
}
