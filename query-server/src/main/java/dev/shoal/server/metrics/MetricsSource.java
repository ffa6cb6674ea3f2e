package dev.shoal.server.metrics;

/** Something that adds families to each scrape, such as the engine's cache gauges. */
@FunctionalInterface
public interface MetricsSource {
  /** Writes whole families; called on the scraping thread, so it must be cheap and thread-safe. */
  void collect(PrometheusWriter writer);
}
