package dev.shoal.server.api;

import dev.shoal.engine.Engine;
import dev.shoal.engine.cache.CacheStats;
import dev.shoal.server.metrics.MetricsSource;
import dev.shoal.server.metrics.PrometheusWriter;

/** The engine's cache gauges and counters and the query limiter's gauges, at each scrape. */
final class EngineMetrics implements MetricsSource {
  private final Engine engine;
  private final QueryLimiter queries;

  EngineMetrics(Engine engine, QueryLimiter queries) {
    this.engine = engine;
    this.queries = queries;
  }

  @Override
  public void collect(PrometheusWriter w) {
    w.gauge("shoal_queries_in_flight", "Queries running now.", queries.running());
    w.gauge(
        "shoal_queries_max", "Most queries run at once (--max-concurrent-queries).", queries.max());
    CacheStats c = engine.cacheStats();
    w.family(
        "shoal_cache_hits_total",
        "counter",
        "Reads served by a cache tier, by tier (memory, disk).");
    w.sample("shoal_cache_hits_total", c.memoryHits(), "tier", "memory");
    w.sample("shoal_cache_hits_total", c.diskHits(), "tier", "disk");
    w.family("shoal_cache_misses_total", "counter", "Reads a cache tier could not serve, by tier.");
    w.sample("shoal_cache_misses_total", c.memoryMisses(), "tier", "memory");
    w.sample("shoal_cache_misses_total", c.diskMisses(), "tier", "disk");
    w.family("shoal_cache_evictions_total", "counter", "Entries evicted for size, by tier.");
    w.sample("shoal_cache_evictions_total", c.memoryEvictions(), "tier", "memory");
    w.sample("shoal_cache_evictions_total", c.diskEvictions(), "tier", "disk");
    w.family("shoal_cache_bytes", "gauge", "Bytes held by a cache tier.");
    w.sample("shoal_cache_bytes", c.memoryBytes(), "tier", "memory");
    w.sample("shoal_cache_bytes", c.diskBytes(), "tier", "disk");
    w.family("shoal_cache_budget_bytes", "gauge", "Budget of a cache tier (--cache-*-bytes).");
    w.sample("shoal_cache_budget_bytes", c.memoryBudgetBytes(), "tier", "memory");
    w.sample("shoal_cache_budget_bytes", c.diskBudgetBytes(), "tier", "disk");
    w.counter("shoal_store_gets_total", "Reads that went to the object store.", c.storeGets());
    w.counter("shoal_store_read_bytes_total", "Bytes read from the object store.", c.storeBytes());
  }
}
