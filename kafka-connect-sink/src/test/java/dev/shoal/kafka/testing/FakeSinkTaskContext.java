package dev.shoal.kafka.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** A {@link SinkTaskContext} that records what the task asks of the worker. */
public final class FakeSinkTaskContext implements SinkTaskContext {
  /** A record and the error it was reported with. */
  public record Reported(SinkRecord record, Throwable error) {}

  private final Map<String, String> configs;
  private final boolean withReporter;
  public final Map<TopicPartition, Long> offsets = new HashMap<>();
  public final Set<TopicPartition> assignment = new LinkedHashSet<>();
  public final Set<TopicPartition> paused = new LinkedHashSet<>();
  public final List<Reported> reported = new CopyOnWriteArrayList<>();
  public final List<Long> timeouts = new ArrayList<>();

  public FakeSinkTaskContext(Map<String, String> configs, boolean withReporter) {
    this.configs = configs;
    this.withReporter = withReporter;
  }

  @Override
  public Map<String, String> configs() {
    return configs;
  }

  @Override
  public void offset(Map<TopicPartition, Long> offsets) {
    this.offsets.putAll(offsets);
  }

  @Override
  public void offset(TopicPartition tp, long offset) {
    offsets.put(tp, offset);
  }

  @Override
  public void timeout(long timeoutMs) {
    timeouts.add(timeoutMs);
  }

  @Override
  public Set<TopicPartition> assignment() {
    return assignment;
  }

  @Override
  public void pause(TopicPartition... partitions) {
    paused.addAll(Arrays.asList(partitions));
  }

  @Override
  public void resume(TopicPartition... partitions) {
    Arrays.asList(partitions).forEach(paused::remove);
  }

  @Override
  public void requestCommit() {}

  @Override
  public ErrantRecordReporter errantRecordReporter() {
    if (!withReporter) {
      return null;
    }
    return new ErrantRecordReporter() {
      @Override
      public Future<Void> report(SinkRecord record, Throwable error) {
        reported.add(new Reported(record, error));
        return CompletableFuture.completedFuture(null);
      }
    };
  }

  @Override
  public PluginMetrics pluginMetrics() {
    throw new UnsupportedOperationException("not used by the Shoal sink");
  }
}
