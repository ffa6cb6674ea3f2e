package dev.shoal.kafka.metrics;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counters of one sink task, exposed over JMX (see {@link SinkTaskMetricsMBean}). Thread-safe: the
 * task thread and the writer's completion thread update it without locks.
 *
 * <p>A task's name is taken over by its newest instance: an old instance of the same task that
 * lingers in the worker (a zombie, or one whose stop timed out) neither keeps the name nor removes
 * the newer instance's bean when it closes.
 */
public final class SinkTaskMetrics implements SinkTaskMetricsMBean, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SinkTaskMetrics.class);

  /** Which instance holds each name; guarded by itself, with every (un)registration under it. */
  private static final Map<ObjectName, SinkTaskMetrics> OWNERS = new HashMap<>();

  private final LongAdder written = new LongAdder();
  private final LongAdder deleted = new LongAdder();
  private final LongAdder deduplicated = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder folded = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder fenced = new LongAdder();
  private final LongAdder latencyTotalNanos = new LongAdder();
  private final AtomicLong latencyMaxNanos = new AtomicLong();
  private final AtomicLong bufferedBytes = new AtomicLong();
  private final AtomicLong bufferedRecords = new AtomicLong();
  private final AtomicInteger pausedPartitions = new AtomicInteger();
  private ObjectName registered; // guarded by OWNERS

  /** The object name for a task: {@code dev.shoal.kafka:type=sink-task-metrics,...}. */
  public static ObjectName objectName(String connector, String task) {
    try {
      return new ObjectName(
          "dev.shoal.kafka:type=sink-task-metrics,connector="
              + ObjectName.quote(connector)
              + ",task="
              + ObjectName.quote(task));
    } catch (JMException e) {
      throw new IllegalArgumentException("Cannot name the metrics of task " + task, e);
    }
  }

  /**
   * Registers this bean with the platform MBean server, taking the name over from an earlier
   * instance of the same task (a task restarted in the same worker). Failures are logged, never
   * fatal.
   */
  public void register(String connector, String task) {
    ObjectName name = objectName(connector, task);
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    synchronized (OWNERS) {
      try {
        try {
          server.registerMBean(this, name);
        } catch (InstanceAlreadyExistsException e) {
          server.unregisterMBean(name);
          server.registerMBean(this, name);
        }
        OWNERS.put(name, this);
        registered = name;
      } catch (JMException | RuntimeException e) {
        LOG.warn("Cannot register the metrics MBean {}: {}", name, e.toString());
      }
    }
  }

  /** Unregisters this bean, unless a newer instance of the task has taken its name over. */
  @Override
  public void close() {
    synchronized (OWNERS) {
      if (registered == null) {
        return;
      }
      if (OWNERS.get(registered) == this) {
        OWNERS.remove(registered);
        try {
          ManagementFactory.getPlatformMBeanServer().unregisterMBean(registered);
        } catch (JMException | RuntimeException e) {
          LOG.debug("Cannot unregister {}: {}", registered, e.toString());
        }
      }
      registered = null;
    }
  }

  public void recordCommitted(long upsertsAndPatches, long deletes, long latencyNanos) {
    written.add(upsertsAndPatches);
    deleted.add(deletes);
    batches.increment();
    latencyTotalNanos.add(latencyNanos);
    latencyMaxNanos.accumulateAndGet(latencyNanos, Math::max);
  }

  public void recordDeduplicated(long records) {
    deduplicated.add(records);
  }

  public void recordRejected() {
    rejected.increment();
  }

  public void recordSkipped() {
    skipped.increment();
  }

  public void recordFolded() {
    folded.increment();
  }

  public void recordFolded(long records) {
    folded.add(records);
  }

  public void recordRetry() {
    retries.increment();
  }

  public void recordFenced() {
    fenced.increment();
  }

  public void addBuffered(long bytes, long records) {
    bufferedBytes.addAndGet(bytes);
    bufferedRecords.addAndGet(records);
  }

  public void setPausedPartitions(int count) {
    pausedPartitions.set(count);
  }

  @Override
  public long getRecordsWritten() {
    return written.sum();
  }

  @Override
  public long getRecordsDeleted() {
    return deleted.sum();
  }

  @Override
  public long getRecordsDeduplicated() {
    return deduplicated.sum();
  }

  @Override
  public long getRecordsRejected() {
    return rejected.sum();
  }

  @Override
  public long getRecordsSkipped() {
    return skipped.sum();
  }

  @Override
  public long getRecordsFolded() {
    return folded.sum();
  }

  @Override
  public long getBatches() {
    return batches.sum();
  }

  @Override
  public long getRetries() {
    return retries.sum();
  }

  @Override
  public long getFencedWrites() {
    return fenced.sum();
  }

  @Override
  public double getFlushLatencyAvgMs() {
    long n = batches.sum();
    return n == 0 ? 0 : latencyTotalNanos.sum() / 1e6 / n;
  }

  @Override
  public double getFlushLatencyMaxMs() {
    return latencyMaxNanos.get() / 1e6;
  }

  @Override
  public long getBufferedBytes() {
    return bufferedBytes.get();
  }

  @Override
  public long getBufferedRecords() {
    return bufferedRecords.get();
  }

  @Override
  public int getPausedPartitions() {
    return pausedPartitions.get();
  }
}
