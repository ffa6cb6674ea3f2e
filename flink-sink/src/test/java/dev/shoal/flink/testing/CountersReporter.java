package dev.shoal.flink.testing;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A metric reporter for MiniCluster tests: keeps every counter a job registers, by name, also after
 * the job ends (Flink removes them then, but the counters keep their counts), so a test reads the
 * sink's real metrics once the job finished.
 */
public final class CountersReporter implements MetricReporter {
  private static final Map<String, List<Counter>> COUNTERS = new ConcurrentHashMap<>();

  /** Registers the reporter in a cluster configuration. */
  public static Configuration configure(Configuration conf) {
    conf.set(
        org.apache.flink.configuration.ConfigOptions.key("metrics.reporter.counters.factory.class")
            .stringType()
            .noDefaultValue(),
        Factory.class.getName());
    return conf;
  }

  public static void clear() {
    COUNTERS.clear();
  }

  /** The sum of all counters of this name, over subtasks and task attempts. */
  public static long sum(String name) {
    return COUNTERS.getOrDefault(name, List.of()).stream().mapToLong(Counter::getCount).sum();
  }

  /** How many counters of this name were registered. */
  public static int registered(String name) {
    return COUNTERS.getOrDefault(name, List.of()).size();
  }

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    if (metric instanceof Counter c) {
      COUNTERS.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(c);
    }
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}

  /** Created by Flink from {@code metrics.reporter.counters.factory.class}. */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      return new CountersReporter();
    }
  }
}
