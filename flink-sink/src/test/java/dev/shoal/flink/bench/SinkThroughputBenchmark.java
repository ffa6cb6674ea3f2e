package dev.shoal.flink.bench;

import dev.shoal.engine.Engine;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.flink.ShoalSink;
import dev.shoal.flink.ShoalWrite;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Throughput of 128-dimensional documents through the Shoal sink, relative to the same job with a
 * discarding sink, in one JVM and one run (see the module README for the command).
 *
 * <p>Arguments (all optional): documents (default 400000), store URI (default: both {@code
 * memory://bench}, which leaves storage out, and {@code file://} in a new temporary folder, one
 * after the other), parallelism (default 2), checkpoint interval in ms (default 1000), rounds
 * (default 5). The jobs run interleaved, round after round, and the best round of each counts.
 *
 * <p>The file store syncs every object it writes, so its numbers are bounded by the disk: the run
 * measures the disk's write-and-fsync rate and the bytes the sink stored per document and prints
 * the bound they give.
 */
public final class SinkThroughputBenchmark {
  private static final int DIM = 128;
  private static final int BATCH_MAX_DOCS = 10_000;

  /** A generated document: an id and its embedding. */
  public record Doc(String id, float[] vector) {}

  private SinkThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    long docs = args.length > 0 ? Long.parseLong(args[0]) : 400_000;
    java.util.List<String> stores = new java.util.ArrayList<>();
    if (args.length > 1 && !args[1].isEmpty()) {
      stores.add(args[1]);
    } else {
      stores.add("memory://bench");
      stores.add(java.nio.file.Files.createTempDirectory("shoal-bench").toUri().toString());
    }
    int parallelism = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    long checkpointMs = args.length > 3 ? Long.parseLong(args[3]) : 1000;
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 5;

    System.out.printf(
        Locale.ROOT,
        "settings: %,d documents of %d dimensions (float32), parallelism %d, checkpoints every %d"
            + " ms, batchMaxDocs %,d, batchMaxBytes %,d, upserts only, compaction off, %d rounds"
            + " (best counts); modes exactly-once and at-least-once; JVM %s, max heap %,d MiB, %d"
            + " cores%n",
        docs,
        DIM,
        parallelism,
        checkpointMs,
        BATCH_MAX_DOCS,
        dev.shoal.flink.ShoalSinkBuilder.DEFAULT_BATCH_MAX_BYTES,
        rounds,
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors());
    run("warm-up (discarding)", docs / 4, parallelism, checkpointMs, new DiscardingSink<>());
    java.util.List<String> summary = new java.util.ArrayList<>();
    for (String store : stores) {
      System.out.println("== store " + store);
      // The machine may be shared: interleave the jobs and keep each one's best round.
      double discard = 0;
      double exactly = 0;
      double atLeast = 0;
      long storedBytes = 0;
      for (int round = 1; round <= rounds; round++) {
        discard =
            Math.max(
                discard,
                run("discarding sink", docs, parallelism, checkpointMs, new DiscardingSink<>()));
        exactly =
            Math.max(
                exactly,
                run(
                    "shoal exactly-once",
                    docs,
                    parallelism,
                    checkpointMs,
                    shoal(store, "exactly-" + round, DeliveryGuarantee.EXACTLY_ONCE)));
        if (round == 1 && store.startsWith("file:")) {
          storedBytes = folderBytes(java.nio.file.Path.of(java.net.URI.create(store)));
        }
        atLeast =
            Math.max(
                atLeast,
                run(
                    "shoal at-least-once",
                    docs,
                    parallelism,
                    checkpointMs,
                    shoal(store, "atleast-" + round, DeliveryGuarantee.AT_LEAST_ONCE)));
        check(store, docs, round);
      }
      String line =
          String.format(
              Locale.ROOT,
              "store %s, best of %d rounds, docs/s: discarding %,.0f, exactly-once %,.0f (ratio"
                  + " %.2f), at-least-once %,.0f (ratio %.2f)",
              store.startsWith("file:") ? "file" : store,
              rounds,
              discard,
              exactly,
              exactly / discard,
              atLeast,
              atLeast / discard);
      System.out.println(line);
      summary.add(line);
      if (storedBytes > 0) {
        double perDoc = (double) storedBytes / docs;
        double disk = fsyncBytesPerSecond(java.nio.file.Path.of(java.net.URI.create(store)));
        String bound =
            String.format(
                Locale.ROOT,
                "file store disk bound: the sink stored %.0f bytes/doc (WAL and manifests); this"
                    + " disk writes and fsyncs %.0f MB/s; bound %,.0f docs/s; exactly-once reached"
                    + " %.2f of it",
                perDoc,
                disk / 1e6,
                disk / perDoc,
                exactly / (disk / perDoc));
        System.out.println(bound);
        summary.add(bound);
      }
    }
    System.out.println("== summary");
    summary.forEach(System.out::println);
  }

  private static void check(String store, long docs, int round) throws Exception {
    try (Engine engine =
        Engine.builder()
            .store(
                new dev.shoal.flink.internal.StoreUri(
                        store, dev.shoal.flink.internal.S3Settings.NONE)
                    .open())
            .build()) {
      for (String ns : new String[] {"exactly-" + round, "atleast-" + round}) {
        NamespacePath path = NamespacePath.parse("bench/flink/" + ns);
        long count = engine.getNamespace(path).docCount();
        if (count != docs) {
          throw new AssertionError(path + " holds " + count + " documents, not " + docs);
        }
        engine.deleteNamespace(path);
      }
    }
  }

  private static long folderBytes(java.nio.file.Path root) throws java.io.IOException {
    try (var files = java.nio.file.Files.walk(root)) {
      return files
          .filter(java.nio.file.Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return java.nio.file.Files.size(f);
                } catch (java.io.IOException e) {
                  return 0;
                }
              })
          .sum();
    }
  }

  /** Writes 256 MiB in 8 MiB files, each synced, as the file store does; returns bytes/s. */
  private static double fsyncBytesPerSecond(java.nio.file.Path folder) throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory(folder, "disk-probe");
    byte[] chunk = new byte[8 << 20];
    new java.util.Random(1).nextBytes(chunk);
    int files = 32;
    long start = System.nanoTime();
    for (int i = 0; i < files; i++) {
      java.nio.file.Path f = dir.resolve("probe-" + i);
      try (var ch =
          java.nio.channels.FileChannel.open(
              f,
              java.nio.file.StandardOpenOption.CREATE_NEW,
              java.nio.file.StandardOpenOption.WRITE)) {
        var buf = java.nio.ByteBuffer.wrap(chunk);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    for (int i = 0; i < files; i++) {
      java.nio.file.Files.delete(dir.resolve("probe-" + i));
    }
    java.nio.file.Files.delete(dir);
    return (double) files * chunk.length / seconds;
  }

  private static Sink<Doc> shoal(String store, String ns, DeliveryGuarantee guarantee) {
    return ShoalSink.<Doc>builder()
        .storeUri(store)
        .namespace("bench/flink/" + ns)
        .converter(d -> ShoalWrite.upsert(new Document(d.id(), d.vector(), null, null, Map.of())))
        .deliveryGuarantee(guarantee)
        .batchMaxDocs(BATCH_MAX_DOCS)
        .sinkUid("bench-" + ns)
        .compaction(false)
        .build();
  }

  /** Runs the job and returns documents per second. */
  private static double run(
      String name, long docs, int parallelism, long checkpointMs, Sink<Doc> sink) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(parallelism);
    env.enableCheckpointing(checkpointMs);
    DataGeneratorSource<Doc> source =
        new DataGeneratorSource<>(
            SinkThroughputBenchmark::doc, docs, TypeInformation.of(Doc.class));
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "documents").sinkTo(sink);
    // The job's own run time, without building and submitting the job graph.
    double seconds = env.execute(name).getNetRuntime(TimeUnit.MILLISECONDS) / 1e3;
    double rate = docs / seconds;
    System.out.printf(Locale.ROOT, "%-24s %8.2f s  %,12.0f docs/s%n", name, seconds, rate);
    return rate;
  }

  private static Doc doc(long i) {
    float[] v = new float[DIM];
    long x = i * 0x9E3779B97F4A7C15L;
    for (int d = 0; d < DIM; d++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      v[d] = (x & 0xFFFF) / 65536f - 0.5f;
    }
    return new Doc("doc-" + i, v);
  }
}
