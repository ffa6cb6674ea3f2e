package dev.shoal.server.bench;

import dev.shoal.engine.CompactionReport;
import dev.shoal.engine.Engine;
import dev.shoal.engine.EngineConfig;
import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.query.QueryRequest;
import dev.shoal.engine.query.RankBy;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.server.ShoalServer;
import dev.shoal.server.http.AccessLog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Load benchmark of the query server: queries per second and p50/p99 latency of vector queries (top
 * 10, all attributes) on a warm namespace, at several numbers of concurrent clients, each measured
 * through HTTP and by calling the engine directly in the same run; the ratio is the server's
 * overhead.
 *
 * <pre>
 * mvn -B -pl query-server -am -Pbench -DskipTests -Dspotless.check.skip=true verify \
 *     -Dbench.args="--docs 100000 --dim 128 --seconds 10 --rounds 2 --clients 1,8,32"
 * </pre>
 *
 * <p>Clients, server and engine share the machine; the client is a minimal keep-alive HTTP/1.1
 * client ({@link KeepAliveClient}) so that its own CPU cost stays small.
 */
public final class ServerBenchmark {
  private static final NamespacePath NS = NamespacePath.parse("bench/load/docs");

  private ServerBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int docs = Integer.parseInt(a.getOrDefault("docs", "100000"));
    int dim = Integer.parseInt(a.getOrDefault("dim", "128"));
    int seconds = Integer.parseInt(a.getOrDefault("seconds", "10"));
    int warmup = Integer.parseInt(a.getOrDefault("warmup", "3"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "2"));
    int[] clients =
        Arrays.stream(a.getOrDefault("clients", "1,8,32").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();

    System.out.printf(
        Locale.ROOT,
        "Shoal server benchmark: %d documents, %d dimensions, %d s per run, JDK %s, %d cores%n",
        docs,
        dim,
        seconds,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
    try (Engine engine =
        Engine.builder()
            .store(new InMemoryObjectStore())
            .config(EngineConfig.builder().memoryCacheBytes(2L << 30).autoCompact(false).build())
            .build()) {
      long t0 = System.nanoTime();
      load(engine, docs, dim);
      System.out.printf(Locale.ROOT, "loaded in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      // Compact now, so that no background compaction runs during the measurements.
      t0 = System.nanoTime();
      CompactionReport compaction = engine.compact(NS, true);
      System.out.printf(
          Locale.ROOT,
          "compacted in %.1f s: %d segments written, %d bytes%n",
          (System.nanoTime() - t0) / 1e9,
          compaction.segmentsWritten(),
          compaction.segmentBytes());

      Random random = new Random(7);
      List<float[]> vectors = new ArrayList<>();
      List<byte[]> bodies = new ArrayList<>();
      for (int i = 0; i < 256; i++) {
        float[] v = randomVector(random, dim);
        vectors.add(v);
        StringBuilder sb = new StringBuilder("{\"rank_by\":[\"vector\",\"ANN\",[");
        for (int d = 0; d < dim; d++) {
          sb.append(d == 0 ? "" : ",").append(v[d]);
        }
        sb.append("]],\"top_k\":10}");
        bodies.add(sb.toString().getBytes(StandardCharsets.UTF_8));
      }

      ShoalServer server =
          ShoalServer.builder()
              .engine(engine, false)
              .maxConcurrentQueries(10_000)
              .accessLog(new AccessLog(AccessLog.Format.TEXT, line -> {}))
              .start();
      try {
        String path = "/v1/namespaces/" + NS + "/query";
        Op direct =
            (i) -> {
              engine.query(
                  NS,
                  QueryRequest.builder()
                      .rankBy(new RankBy.Vector(vectors.get(i & 255), false))
                      .topK(10)
                      .build());
            };
        // warm both paths
        run(1, warmup, direct, 0, null, null);
        run(1, warmup, null, server.port(), bodies, path);

        System.out.println();
        System.out.println(
            "| clients | engine QPS | engine p50 ms | engine p99 ms | server QPS | server p50 ms |"
                + " server p99 ms | overhead (QPS ratio) | overhead (p50 ratio) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (int c : clients) {
          // Engine and server runs alternate in short rounds, so that load from other processes
          // on the machine weighs on both alike.
          List<long[]> engineLatencies = new ArrayList<>();
          List<long[]> serverLatencies = new ArrayList<>();
          double slice = seconds / (double) rounds;
          for (int r = 0; r < rounds; r++) {
            engineLatencies.add(run(c, slice, direct, 0, null, null));
            serverLatencies.add(run(c, slice, null, server.port(), bodies, path));
          }
          Result e = Result.of(engineLatencies, seconds);
          Result s = Result.of(serverLatencies, seconds);
          System.out.printf(
              Locale.ROOT,
              "| %d | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f | %.2f |%n",
              c,
              e.qps,
              e.p50,
              e.p99,
              s.qps,
              s.p50,
              s.p99,
              e.qps / s.qps,
              s.p50 / e.p50);
        }
      } finally {
        server.close();
      }
    }
  }

  private static void load(Engine engine, int docs, int dim) {
    Random random = new Random(42);
    int batch = 5_000;
    for (int start = 0; start < docs; start += batch) {
      List<Document> list = new ArrayList<>(batch);
      for (int i = start; i < Math.min(docs, start + batch); i++) {
        list.add(
            Document.of(
                "doc-" + i,
                randomVector(random, dim),
                Map.of("cat", (long) (i % 10), "year", (long) (2000 + i % 25))));
      }
      engine.write(NS, WriteRequest.upsert(list));
    }
  }

  private static float[] randomVector(Random random, int dim) {
    float[] v = new float[dim];
    for (int d = 0; d < dim; d++) {
      v[d] = (float) random.nextGaussian();
    }
    return v;
  }

  @FunctionalInterface
  private interface Op {
    void run(int i) throws Exception;
  }

  private record Result(double qps, double p50, double p99) {
    static Result of(List<long[]> latencies, double seconds) {
      long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      return new Result(all.length / seconds, percentile(all, 0.50), percentile(all, 0.99));
    }
  }

  /** Runs {@code threads} clients for {@code seconds}; returns every latency in nanoseconds. */
  private static long[] run(
      int threads, double seconds, Op direct, int port, List<byte[]> bodies, String path)
      throws Exception {
    long[][] latencies = new long[threads][];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    long[] window = new long[2];
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread w =
          new Thread(
              () -> {
                long[] lat = new long[1 << 16];
                int n = 0;
                try (KeepAliveClient client =
                    direct == null ? new KeepAliveClient(port, path) : null) {
                  start.await();
                  long end = window[1];
                  int i = id * 31;
                  while (System.nanoTime() < end) {
                    long q0 = System.nanoTime();
                    if (direct != null) {
                      direct.run(i++);
                    } else {
                      int status = client.post(bodies.get(i++ & 255));
                      if (status != 200) {
                        throw new IllegalStateException("status " + status);
                      }
                    }
                    if (n == lat.length) {
                      lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = System.nanoTime() - q0;
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
                latencies[id] = Arrays.copyOf(lat, n);
              },
              "bench-" + t);
      workers.add(w);
      w.start();
    }
    window[0] = System.nanoTime();
    window[1] = window[0] + (long) (seconds * 1e9);
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("benchmark run failed", failure.get());
    }
    return Arrays.stream(latencies).flatMapToLong(Arrays::stream).toArray();
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))] / 1e6;
  }
}
