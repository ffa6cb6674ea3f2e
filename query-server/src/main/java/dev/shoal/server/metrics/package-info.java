/**
 * The server's metrics in Prometheus text format, with no client library: {@link
 * dev.shoal.server.metrics.Metrics} (start here) counts requests and latencies per route template;
 * {@link dev.shoal.server.metrics.MetricsSource}s add families such as the engine's gauges.
 */
package dev.shoal.server.metrics;
