package dev.shoal.examples.flink;

import dev.shoal.engine.model.NamespacePath;
import dev.shoal.examples.Args;
import dev.shoal.examples.Dataset;
import dev.shoal.examples.Embeddings;
import dev.shoal.examples.Logging;
import dev.shoal.flink.ShoalSink;
import dev.shoal.flink.ShoalWrite;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink DataStream job: generated articles, embedded with {@link Embeddings} in a map step,
 * written exactly once with the Shoal sink. Run in a local Flink MiniCluster (the job would run
 * unchanged on a cluster).
 *
 * <pre>java -jar examples/target/shoal-examples.jar flink [--docs N] [--data-dir DIR]</pre>
 */
public final class FlinkDataStreamExample {
  static final NamespacePath NAMESPACE = NamespacePath.parse("demo/flink/articles");

  static final String USAGE =
      """
      Usage: java -jar examples/target/shoal-examples.jar flink [options]

      Runs a Flink DataStream job in a local MiniCluster: generated articles -> embeddings (a map
      step) -> Shoal sink, exactly once at checkpoints, into the namespace demo/flink/articles
      (replaced on each run). Then queries the namespace with the embedded engine.

      Options:
        --docs N             articles to generate (default 10,000)
        --data-dir DIR       the Shoal store folder (default ./shoal-data)
        --parallelism P      job parallelism (default 2)
        --checkpoint-ms MS   checkpoint interval: data becomes visible at checkpoints (default 1000)
        --rate R             articles per second, 0 for as fast as possible (default 0)
      """;

  private FlinkDataStreamExample() {}

  /** An article with its embedding: what the map step produces. */
  public record EmbeddedArticle(Dataset.Article article, float[] vector) {}

  public static void main(String[] args) throws Exception {
    Logging.configure(false);
    int status = run(args);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs the example; the process exit status. */
  public static int run(String... args) throws Exception {
    if (List.of(args).contains("--help")) {
      System.out.print(USAGE);
      return 0;
    }
    JobOptions options;
    try {
      options = JobOptions.parse(Args.parse(args, Set.of()));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(USAGE);
      return 2;
    }
    ExampleRun.resetNamespace(options.dataDir(), NAMESPACE);
    System.out.printf(
        "Flink DataStream job: %,d generated articles -> embed -> Shoal sink (exactly once,"
            + " checkpoints every %d ms, parallelism %d) -> %s in %s%n",
        options.docs(),
        options.checkpointMs(),
        options.parallelism(),
        NAMESPACE,
        options.dataDir());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(options.parallelism());
    env.enableCheckpointing(options.checkpointMs());
    build(env, options.dataDir().toUri().toString(), options.docs(), options.rate());
    JobExecutionResult result = env.execute("shoal-flink-datastream-example");
    System.out.printf("Job finished in %.1f s%n", result.getNetRuntime() / 1000.0);
    ExampleRun.showNamespace(options.dataDir(), NAMESPACE, System.out);
    return 0;
  }

  /** Adds the job's pipeline to {@code env}. */
  static void build(StreamExecutionEnvironment env, String storeUri, int docs, int rate) {
    DataStream<Dataset.Article> articles =
        env.fromSource(articleSource(docs, rate), WatermarkStrategy.noWatermarks(), "articles")
            .uid("articles");

    // The embedding step: in a real job, a call to a model server or a model in the task.
    DataStream<EmbeddedArticle> embedded =
        articles
            .map(a -> new EmbeddedArticle(a, Embeddings.embed(a.text())))
            .returns(EmbeddedArticle.class)
            .name("embed")
            .uid("embed");

    ShoalSink<EmbeddedArticle> sink =
        ShoalSink.<EmbeddedArticle>builder()
            .storeUri(storeUri)
            .namespace(NAMESPACE.toString())
            .converter(e -> ShoalWrite.upsert(e.article().toDocument(e.vector())))
            .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
            .sinkUid("flink-datastream-example")
            .build();
    // Each id is written once here; a stream that updates ids should keyBy(id) before the sink.
    embedded.sinkTo(sink).name("shoal").uid("shoal");
  }

  /** Articles 0 to {@code docs - 1} of the dataset, as a bounded, checkpointed source. */
  static DataGeneratorSource<Dataset.Article> articleSource(int docs, int rate) {
    GeneratorFunction<Long, Dataset.Article> generate =
        i -> Dataset.article(Dataset.DEFAULT_SEED, Math.toIntExact(i));
    return rate > 0
        ? new DataGeneratorSource<>(
            generate,
            docs,
            org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy.perSecond(
                rate),
            TypeInformation.of(Dataset.Article.class))
        : new DataGeneratorSource<>(generate, docs, TypeInformation.of(Dataset.Article.class));
  }

  /** The options both Flink examples take. */
  record JobOptions(int docs, Path dataDir, int parallelism, int checkpointMs, int rate) {
    static JobOptions parse(Args a) {
      JobOptions o =
          new JobOptions(
              a.integer("docs", 10_000, 1, 10_000_000),
              a.path("data-dir", "shoal-data"),
              a.integer("parallelism", 2, 1, 64),
              a.integer("checkpoint-ms", 1000, 10, 3_600_000),
              a.integer("rate", 0, 0, 10_000_000));
      a.checkAllUsed();
      return o;
    }
  }
}
