package dev.shoal.server.api;

import dev.shoal.engine.EngineConfig;
import dev.shoal.server.metrics.MetricsSource;
import dev.shoal.server.metrics.PrometheusWriter;

/**
 * The engine's and the query limiter's gauges. The engine exposes only its configuration so far:
 * cache hits, bytes fetched, evictions and compaction lag are added here once its cache and
 * compaction work publishes them.
 */
final class EngineMetrics implements MetricsSource {
  private final EngineConfig config;
  private final QueryLimiter queries;

  EngineMetrics(EngineConfig config, QueryLimiter queries) {
    this.config = config;
    this.queries = queries;
  }

  @Override
  public void collect(PrometheusWriter w) {
    w.gauge("shoal_queries_in_flight", "Queries running now.", queries.running());
    w.gauge(
        "shoal_queries_max", "Most queries run at once (--max-concurrent-queries).", queries.max());
    w.gauge(
        "shoal_engine_memory_cache_budget_bytes",
        "Budget of the engine's memory cache (--cache-memory-bytes).",
        config.memoryCacheBytes());
    if (config.diskCacheDir() != null) {
      w.gauge(
          "shoal_engine_disk_cache_budget_bytes",
          "Budget of the engine's disk cache (--cache-disk-bytes).",
          config.diskCacheBytes());
    }
  }
}
