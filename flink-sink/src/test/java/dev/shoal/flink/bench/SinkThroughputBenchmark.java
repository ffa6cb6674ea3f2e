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
 * <p>Arguments (all optional): documents (default 400000), store URI (default {@code file://} in a
 * new temporary folder; {@code memory://bench} leaves storage out), parallelism (default 2),
 * checkpoint interval in ms (default 1000). Each job runs three times, interleaved, and the best
 * round of each counts.
 */
public final class SinkThroughputBenchmark {
  private static final int DIM = 128;
  private static final int ROUNDS = 3;

  /** A generated document: an id and its embedding. */
  public record Doc(String id, float[] vector) {}

  private SinkThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    long docs = args.length > 0 ? Long.parseLong(args[0]) : 400_000;
    String store =
        args.length > 1
            ? args[1]
            : java.nio.file.Files.createTempDirectory("shoal-bench").toUri().toString();
    int parallelism = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    long checkpointMs = args.length > 3 ? Long.parseLong(args[3]) : 1000;

    System.out.printf(
        Locale.ROOT,
        "%,d documents of %d dimensions, parallelism %d, checkpoints every %d ms, store %s%n",
        docs,
        DIM,
        parallelism,
        checkpointMs,
        store);
    run("warm-up (discarding)", docs / 4, parallelism, checkpointMs, new DiscardingSink<>());
    // The machine may be shared: interleave the jobs and keep each one's best round.
    double discard = 0;
    double exactly = 0;
    double atLeast = 0;
    for (int round = 1; round <= ROUNDS; round++) {
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
      atLeast =
          Math.max(
              atLeast,
              run(
                  "shoal at-least-once",
                  docs,
                  parallelism,
                  checkpointMs,
                  shoal(store, "atleast-" + round, DeliveryGuarantee.AT_LEAST_ONCE)));
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
    System.out.printf(
        Locale.ROOT,
        "best of %d rounds, docs/s: discarding %,.0f, exactly-once %,.0f, at-least-once %,.0f%n",
        ROUNDS,
        discard,
        exactly,
        atLeast);
    System.out.printf(Locale.ROOT, "ratio exactly-once / discarding:  %.2f%n", exactly / discard);
    System.out.printf(Locale.ROOT, "ratio at-least-once / discarding: %.2f%n", atLeast / discard);
  }

  private static Sink<Doc> shoal(String store, String ns, DeliveryGuarantee guarantee) {
    return ShoalSink.<Doc>builder()
        .storeUri(store)
        .namespace("bench/flink/" + ns)
        .converter(d -> ShoalWrite.upsert(new Document(d.id(), d.vector(), null, null, Map.of())))
        .deliveryGuarantee(guarantee)
        .batchMaxDocs(10_000)
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
