package dev.shoal.kafka;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.Engine;
import dev.shoal.kafka.internal.SharedEngines;
import dev.shoal.kafka.internal.Version;
import dev.shoal.kafka.metrics.SinkTaskMetrics;
import dev.shoal.kafka.write.SinkWriter;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * A Shoal sink task: maps records and writes them to namespaces through a {@link SinkWriter}, which
 * holds the exactly-once, batching and retry logic (read its class comment).
 *
 * <p>Connect's contract, as this task follows it: {@link #open} claims writers and may rewind
 * partitions; {@link #put} buffers (it throws {@code RetriableException} only when the store keeps
 * failing transiently, {@code ConnectException} for a rejected record without an error reporter);
 * {@link #preCommit} returns only offsets that are durable in Shoal (so {@link #flush} is never
 * needed); {@link #close} writes what revoked partitions buffered, for a bounded time, and drops
 * the rest; {@link #stop} waits a while for writes in flight.
 */
public class ShoalSinkTask extends SinkTask {
  private final Function<ShoalSinkConfig, Engine> engineFactory;
  private ShoalSinkConfig config;
  private SharedEngines.Lease lease;
  private Engine engine;
  private SinkTaskMetrics metrics;
  private SinkWriter writer;

  /**
   * The task the Connect worker instantiates: it writes through the worker's shared engine for the
   * store named in its configuration (see {@link SharedEngines}).
   */
  public ShoalSinkTask() {
    this.engineFactory = null;
  }

  /**
   * A task writing through engines from {@code engineFactory}, which it closes on {@link #stop}
   * (for embedding and tests).
   */
  public ShoalSinkTask(Function<ShoalSinkConfig, Engine> engineFactory) {
    this.engineFactory = requireNonNull(engineFactory, "engineFactory is null");
  }

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    config = new ShoalSinkConfig(props);
    if (engineFactory == null) {
      lease = SharedEngines.acquire(config);
      engine = lease.engine();
    } else {
      engine = engineFactory.apply(config);
    }
    metrics = new SinkTaskMetrics();
    metrics.register(config.connectorName(), config.taskId());
    String threadName = "shoal-sink-" + config.connectorName() + "-" + config.taskId();
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    writer = new SinkWriter(config, engine, context, metrics, Time.SYSTEM, scheduler);
  }

  @Override
  public void open(Collection<TopicPartition> partitions) {
    writer.open(partitions);
  }

  @Override
  public void close(Collection<TopicPartition> partitions) {
    if (writer != null) {
      writer.close(partitions);
    }
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    writer.put(records);
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(
      Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    return writer.preCommit(currentOffsets);
  }

  /** Not used: {@link #preCommit} reports only durable offsets, so nothing must be forced. */
  @Override
  public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {}

  @Override
  public void stop() {
    try {
      if (writer != null) {
        writer.stop();
      }
    } finally {
      if (lease != null) {
        lease.close();
      } else if (engine != null) {
        engine.close();
      }
      if (metrics != null) {
        metrics.close();
      }
    }
  }

  /** The writer, for tests. */
  SinkWriter writer() {
    return writer;
  }
}
