package dev.shoal.bench;

import dev.shoal.engine.Consistency;
import dev.shoal.engine.Engine;
import dev.shoal.engine.EngineConfig;
import dev.shoal.engine.NamespaceInfo;
import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.query.QueryRequest;
import dev.shoal.engine.query.QueryResult;
import dev.shoal.engine.query.RankBy;
import dev.shoal.engine.storage.LocalFileStore;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.storage.ObjectStores;
import dev.shoal.engine.storage.S3TestServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Whole-engine query costs that the index benchmarks cannot show:
 *
 * <ol>
 *   <li>a cold query (empty memory, no disk cache, a new engine) against an S3-compatible server
 *       with latency injected per request: how many object-store calls, how many sequential round
 *       trips, how long; then the same query warm;
 *   <li>the heap a loaded namespace of large vectors takes, relative to its raw float32 bytes.
 * </ol>
 *
 * <pre>
 * java -Xmx6g -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.shoal.bench.EngineQueryBenchmark \
 *   [--cold-docs 50000] [--cold-dim 128] [--latency-ms 20] [--segments 3] \
 *   [--memory-docs 100000] [--memory-dim 768] [--skip-cold] [--skip-memory]
 * </pre>
 */
public final class EngineQueryBenchmark {
  private static final NamespacePath NS = NamespacePath.parse("bench/engine/docs");

  private EngineQueryBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = Args.parse(args);
    if (!opts.containsKey("skip-cold")) {
      cold(
          Args.intOf(opts, "cold-docs", 50_000),
          Args.intOf(opts, "cold-dim", 128),
          Args.intOf(opts, "latency-ms", 20),
          Args.intOf(opts, "segments", 3));
    }
    if (!opts.containsKey("skip-memory")) {
      memory(Args.intOf(opts, "memory-docs", 100_000), Args.intOf(opts, "memory-dim", 768));
    }
  }

  /** Clustered vectors, like embeddings. */
  static List<Document> documents(Random random, int from, int count, int dim, float[][] centres) {
    List<Document> docs = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      float[] c = centres[random.nextInt(centres.length)];
      float[] v = new float[dim];
      for (int d = 0; d < dim; d++) {
        v[d] = c[d] + (float) random.nextGaussian() * 0.3f;
      }
      docs.add(
          Document.of(
              String.format("doc-%07d", i),
              v,
              Map.of("n", i % 100, "lang", i % 3 == 0 ? "de" : "en")));
    }
    return docs;
  }

  static float[][] centres(Random random, int dim) {
    float[][] centres = new float[64][dim];
    for (float[] c : centres) {
      for (int d = 0; d < dim; d++) {
        c[d] = (float) random.nextGaussian();
      }
    }
    return centres;
  }

  private static void load(Engine engine, int docs, int dim, int segments, Random random) {
    float[][] centres = centres(random, dim);
    engine.createNamespace(NS, DistanceMetric.COSINE, Map.of());
    int perSegment = (docs + segments - 1) / segments;
    for (int start = 0; start < docs; start += 1000) {
      int n = Math.min(1000, docs - start);
      engine.write(NS, WriteRequest.upsert(documents(random, start, n, dim, centres)));
      if ((start + n) / perSegment != start / perSegment || start + n == docs) {
        // Fold what was written so far into a segment of its own.
        engine.compact(NS, false);
      }
    }
  }

  private static void cold(int docs, int dim, int latencyMs, int segments) throws Exception {
    System.out.printf(
        "%n== Cold query on S3 (s3proxy in this JVM, %d ms per request), %,d x %d, %d segment(s)%n",
        latencyMs, docs, dim, segments);
    Random random = new Random(7);
    try (S3TestServer s3 = S3TestServer.start()) {
      EngineConfig config =
          EngineConfig.builder().autoCompact(false).walCompactThreshold(1).build();
      try (ObjectStore store = ObjectStores.open(s3.storeOptions("cold"));
          Engine writer = Engine.builder().store(store).config(config).build()) {
        load(writer, docs, dim, segments, random);
        NamespaceInfo info = writer.getNamespace(NS);
        System.out.printf(
            "namespace: %,d documents, %d segments, %d WAL batches, %,d bytes%n",
            info.docCount(), info.segments(), info.walFiles(), info.bytes());
      }
      s3.setLatency(Duration.ofMillis(latencyMs));
      float[] query = documents(random, 0, 1, dim, centres(new Random(7), dim)).get(0).vector();
      System.out.println(
          "| run | query | store calls | sequential round trips | latency ms | cache |");
      System.out.println("|---|---|---|---|---|---|");
      // The first engine also pays for class loading and JIT; the second shows steady state.
      for (int run = 1; run <= 2; run++) {
        queryOnce(s3, config, query, run, run == 2);
      }
    }
  }

  private static void queryOnce(
      S3TestServer s3, EngineConfig config, float[] query, int run, boolean verbose) {
    try (TimelineStore store = new TimelineStore(ObjectStores.open(s3.storeOptions("cold")));
        Engine reader = Engine.builder().store(store).config(config).build()) {
      for (String label : List.of("cold (strong)", "warm (strong)", "warm (eventual)")) {
        QueryRequest r =
            QueryRequest.builder()
                .rankBy(new RankBy.Vector(query, false))
                .topK(10)
                .consistency(label.contains("eventual") ? Consistency.EVENTUAL : Consistency.STRONG)
                .build();
        store.reset();
        long t0 = System.nanoTime();
        QueryResult result = reader.query(NS, r);
        double ms = (System.nanoTime() - t0) / 1e6;
        System.out.printf(
            "| %d | %s | %d | %d | %.1f | %s |%n",
            run,
            label,
            store.calls().size(),
            store.sequentialRounds(),
            ms,
            result.performance().cache());
        if (label.startsWith("cold") && verbose) {
          for (TimelineStore.Call c : store.calls()) {
            System.out.printf(
                "    %-6s %-70s %6.1f..%6.1f ms%n",
                c.op(), c.key(), (c.start() - t0) / 1e6, (c.end() - t0) / 1e6);
          }
        }
      }
    }
  }

  private static void memory(int docs, int dim) throws IOException {
    System.out.printf("%n== Heap of a loaded namespace, %,d x %d (cosine)%n", docs, dim);
    Path dir = Files.createTempDirectory("shoal-memory-bench");
    EngineConfig config =
        EngineConfig.builder().autoCompact(false).memoryCacheBytes(8L << 30).build();
    try (Engine writer = Engine.builder().store(new LocalFileStore(dir)).config(config).build()) {
      Random random = new Random(11);
      float[][] centres = centres(random, dim);
      for (int start = 0; start < docs; start += 1000) {
        writer.write(
            NS,
            WriteRequest.upsert(
                documents(random, start, Math.min(1000, docs - start), dim, centres)));
      }
      writer.compact(NS, true);
    }
    try (Engine reader = Engine.builder().store(new LocalFileStore(dir)).config(config).build()) {
      long before = usedHeapAfterGc();
      reader.warm(NS).join();
      long after = usedHeapAfterGc();
      long raw = (long) docs * dim * 4;
      NamespaceInfo info = reader.getNamespace(NS);
      System.out.printf(
          "segments %d; raw vectors %,d bytes; heap after loading minus before %,d bytes; ratio %.3f"
              + " (target <= 1.3); the engine's own estimate %,d bytes%n",
          info.segments(),
          raw,
          after - before,
          (double) (after - before) / raw,
          reader.cacheStats().memoryBytes());
    }
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Minimal {@code --name value} / {@code --flag} parsing. */
  static final class Args {
    static Map<String, String> parse(String[] args) {
      Map<String, String> out = new java.util.HashMap<>();
      for (int i = 0; i < args.length; i++) {
        if (!args[i].startsWith("--")) {
          throw new IllegalArgumentException("Unexpected argument " + args[i]);
        }
        String name = args[i].substring(2);
        if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          out.put(name, args[++i]);
        } else {
          out.put(name, "true");
        }
      }
      return out;
    }

    static int intOf(Map<String, String> opts, String name, int defaultValue) {
      return opts.containsKey(name) ? Integer.parseInt(opts.get(name)) : defaultValue;
    }
  }
}
