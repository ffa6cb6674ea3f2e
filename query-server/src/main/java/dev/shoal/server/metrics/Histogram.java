package dev.shoal.server.metrics;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** A latency histogram with fixed buckets, in seconds. Thread-safe and lock-free. */
final class Histogram {
  static final double[] BOUNDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
  private final DoubleAdder sum = new DoubleAdder();
  private final LongAdder count = new LongAdder();

  Histogram() {
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  void observe(double seconds) {
    int i = 0;
    while (i < BOUNDS.length && seconds > BOUNDS[i]) {
      i++;
    }
    buckets[i].increment();
    sum.add(seconds);
    count.increment();
  }

  /** Writes the cumulative {@code _bucket}, {@code _sum} and {@code _count} samples. */
  void write(PrometheusWriter w, String name, String... labels) {
    String[] withLe = java.util.Arrays.copyOf(labels, labels.length + 2);
    withLe[labels.length] = "le";
    long cumulative = 0;
    for (int i = 0; i < buckets.length; i++) {
      cumulative += buckets[i].sum();
      withLe[labels.length + 1] = i < BOUNDS.length ? PrometheusWriter.format(BOUNDS[i]) : "+Inf";
      w.sample(name + "_bucket", cumulative, withLe);
    }
    w.sample(name + "_sum", sum.sum(), labels);
    w.sample(name + "_count", count.sum(), labels);
  }
}
