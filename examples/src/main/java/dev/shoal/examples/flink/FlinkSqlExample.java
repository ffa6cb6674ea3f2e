package dev.shoal.examples.flink;

import dev.shoal.engine.model.NamespacePath;
import dev.shoal.examples.Args;
import dev.shoal.examples.Dataset;
import dev.shoal.examples.Logging;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * The Flink example in SQL: the generated articles as a view, an {@code EMBED} function, a Shoal
 * table ({@code 'connector' = 'shoal'}) and one {@code INSERT INTO}. Runs in a local MiniCluster.
 *
 * <pre>java -jar examples/target/shoal-examples.jar flink-sql [--docs N] [--data-dir DIR]</pre>
 */
public final class FlinkSqlExample {
  static final NamespacePath NAMESPACE = NamespacePath.parse("demo/flink/articles-sql");

  static final String USAGE =
      """
      Usage: java -jar examples/target/shoal-examples.jar flink-sql [options]

      Runs Flink SQL in a local MiniCluster: INSERT INTO a table with 'connector' = 'shoal' the
      generated articles embedded by a SQL function, exactly once at checkpoints, into the
      namespace demo/flink/articles-sql (replaced on each run). Then queries the namespace.

      Options:
        --docs N             articles to generate (default 10,000)
        --data-dir DIR       the Shoal store folder (default ./shoal-data)
        --parallelism P      job parallelism (default 2)
        --checkpoint-ms MS   checkpoint interval: data becomes visible at checkpoints (default 1000)
        --rate R             articles per second, 0 for as fast as possible (default 0)
      """;

  private FlinkSqlExample() {}

  public static void main(String[] args) throws Exception {
    Logging.configure(false);
    int status = run(args);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** The Shoal table; {@code %s} is the store URI. */
  static final String CREATE_TABLE =
      """
      CREATE TABLE shoal_articles (
        id STRING,
        vector ARRAY<FLOAT>,
        title STRING,
        body STRING,
        lang STRING,
        `year` INT,
        price DOUBLE,
        tags ARRAY<STRING>,
        PRIMARY KEY (id) NOT ENFORCED
      ) WITH (
        'connector' = 'shoal',
        'store.uri' = '%s',
        'namespace' = 'demo/flink/articles-sql',
        'vector.field' = 'vector',
        'text.fields' = 'title,body',
        'sink.delivery-guarantee' = 'exactly-once'
      )""";

  static final String INSERT =
      """
      INSERT INTO shoal_articles
      SELECT id, EMBED(title || ' ' || body), title, body, lang, `year`, price, tags
      FROM articles""";

  /** Runs the example; the process exit status. */
  public static int run(String... args) throws Exception {
    if (List.of(args).contains("--help")) {
      System.out.print(USAGE);
      return 0;
    }
    FlinkDataStreamExample.JobOptions options;
    try {
      options = FlinkDataStreamExample.JobOptions.parse(Args.parse(args, Set.of()));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(USAGE);
      return 2;
    }
    ExampleRun.resetNamespace(options.dataDir(), NAMESPACE);
    System.out.printf(
        "Flink SQL job: %,d generated articles -> EMBED() -> table with 'connector' = 'shoal'"
            + " (exactly once, checkpoints every %d ms, parallelism %d) -> %s in %s%n%n",
        options.docs(),
        options.checkpointMs(),
        options.parallelism(),
        NAMESPACE,
        options.dataDir());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(options.parallelism());
    env.enableCheckpointing(options.checkpointMs());
    StreamTableEnvironment tables = StreamTableEnvironment.create(env);

    DataStream<Dataset.Article> articles =
        env.fromSource(
            FlinkDataStreamExample.articleSource(options.docs(), options.rate()),
            WatermarkStrategy.noWatermarks(),
            "articles");
    tables.createTemporaryView("articles", articles);
    tables.createTemporarySystemFunction("EMBED", EmbedFunction.class);

    String create = String.format(CREATE_TABLE, options.dataDir().toUri());
    System.out.println(create + ";");
    tables.executeSql(create);
    System.out.println(INSERT + ";");
    long start = System.nanoTime();
    TableResult insert = tables.executeSql(INSERT);
    insert.await();
    System.out.printf("INSERT finished in %.1f s%n", (System.nanoTime() - start) / 1e9);
    ExampleRun.showNamespace(options.dataDir(), NAMESPACE, System.out);
    return 0;
  }
}
