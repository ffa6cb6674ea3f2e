package dev.shoal.server.metrics;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's metrics, served at {@code /metrics} in Prometheus text format: requests by route
 * template, method and status; latency histograms by route and method; queries refused for
 * overload; plus whatever the registered {@link MetricsSource}s add (requests and queries in
 * flight, the engine's caches).
 *
 * <p>Routes are labelled by template ({@code /v1/namespaces/{org}/{project}/{ns}/query}), never by
 * the concrete path, so the number of series stays bounded. Thread-safe; recording is lock-free.
 */
public final class Metrics {
  private static final Set<String> METHODS =
      Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

  private record RequestKey(String method, String route, int status) {}

  private record LatencyKey(String method, String route) {}

  private final Map<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<LatencyKey, Histogram> latency = new ConcurrentHashMap<>();
  private final LongAdder queriesRejected = new LongAdder();
  private final List<MetricsSource> sources = new CopyOnWriteArrayList<>();
  private final long startMillis = System.currentTimeMillis();

  public void addSource(MetricsSource source) {
    sources.add(source);
  }

  /**
   * Records a finished request.
   *
   * @param route the matched template, or {@code unmatched}
   */
  public void requestFinished(String method, String route, int status, long nanos) {
    String m = METHODS.contains(method) ? method : "other";
    requests.computeIfAbsent(new RequestKey(m, route, status), k -> new LongAdder()).increment();
    latency.computeIfAbsent(new LatencyKey(m, route), k -> new Histogram()).observe(nanos / 1e9);
  }

  public void queryRejected() {
    queriesRejected.increment();
  }

  /** The current exposition. */
  public String scrape() {
    PrometheusWriter w = new PrometheusWriter();
    w.family(
        "shoal_http_requests_total",
        "counter",
        "HTTP requests answered, by method, route template and status.");
    List<Map.Entry<RequestKey, LongAdder>> counted = new ArrayList<>(requests.entrySet());
    counted.sort(
        Comparator.comparing((Map.Entry<RequestKey, LongAdder> e) -> e.getKey().route())
            .thenComparing(e -> e.getKey().method())
            .thenComparingInt(e -> e.getKey().status()));
    for (Map.Entry<RequestKey, LongAdder> e : counted) {
      RequestKey k = e.getKey();
      w.sample(
          "shoal_http_requests_total",
          e.getValue().sum(),
          "method",
          k.method(),
          "route",
          k.route(),
          "status",
          Integer.toString(k.status()));
    }
    w.family(
        "shoal_http_request_duration_seconds",
        "histogram",
        "Time from receiving a request to the end of its answer, by method and route template.");
    List<Map.Entry<LatencyKey, Histogram>> timed = new ArrayList<>(latency.entrySet());
    timed.sort(
        Comparator.comparing((Map.Entry<LatencyKey, Histogram> e) -> e.getKey().route())
            .thenComparing(e -> e.getKey().method()));
    for (Map.Entry<LatencyKey, Histogram> e : timed) {
      e.getValue()
          .write(
              w,
              "shoal_http_request_duration_seconds",
              "method",
              e.getKey().method(),
              "route",
              e.getKey().route());
    }
    w.counter(
        "shoal_queries_rejected_total",
        "Queries refused with 429 because the concurrent query limit was reached.",
        queriesRejected.sum());
    for (MetricsSource s : sources) {
      s.collect(w);
    }
    Runtime rt = Runtime.getRuntime();
    w.gauge(
        "shoal_jvm_heap_used_bytes",
        "Heap in use by the server's JVM.",
        rt.totalMemory() - rt.freeMemory());
    w.gauge("shoal_jvm_heap_max_bytes", "Most heap the server's JVM may use.", rt.maxMemory());
    w.gauge(
        "shoal_jvm_threads", "Live threads.", ManagementFactory.getThreadMXBean().getThreadCount());
    w.gauge(
        "shoal_uptime_seconds",
        "Seconds since the server started.",
        (System.currentTimeMillis() - startMillis) / 1000.0);
    return w.toString();
  }
}
