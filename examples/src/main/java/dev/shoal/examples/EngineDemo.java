package dev.shoal.examples;

import dev.shoal.engine.Engine;
import dev.shoal.engine.NamespaceInfo;
import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.query.Filter;
import dev.shoal.engine.query.IncludeAttributes;
import dev.shoal.engine.query.QueryRequest;
import dev.shoal.engine.query.RankBy;
import dev.shoal.engine.storage.ObjectStores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine on its own, embedded in a program: writes generated articles into a namespace in a
 * local folder, compacts it and runs a vector, a BM25, a filtered and a hybrid query. Each run
 * replaces the namespace {@code demo/engine/articles}.
 *
 * <pre>java -jar examples/target/shoal-examples.jar engine [--docs N] [--data-dir DIR]</pre>
 */
public final class EngineDemo {
  static final NamespacePath NAMESPACE = NamespacePath.parse("demo/engine/articles");

  static final String USAGE =
      """
      Usage: java -jar examples/target/shoal-examples.jar engine [options]

      Writes generated articles into the namespace demo/engine/articles with the engine embedded
      in this JVM (no Kafka, Flink or server), compacts it and runs a few queries.

      Options:
        --docs N          articles to write (default 10,000)
        --data-dir DIR    the Shoal store folder (default ./shoal-data)
      """;

  private EngineDemo() {}

  public static void main(String[] args) {
    Logging.configure(false);
    int status = run(args);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs the demo; the process exit status. */
  public static int run(String... args) {
    if (List.of(args).contains("--help")) {
      System.out.print(USAGE);
      return 0;
    }
    Path data;
    int count;
    try {
      Args a = Args.parse(args, Set.of());
      data = a.path("data-dir", "shoal-data");
      count = a.integer("docs", 10_000, 1, 10_000_000);
      a.checkAllUsed();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(USAGE);
      return 2;
    }
    try (Engine engine =
        Engine.builder().ownedStore(ObjectStores.open(data.toUri().toString())).build()) {
      System.out.println("Engine demo: namespace " + NAMESPACE + " in " + data);
      run(engine, NAMESPACE, count, System.out);
    }
    return 0;
  }

  static void run(Engine engine, NamespacePath ns, int count, java.io.PrintStream out) {
    if (engine.namespaceExists(ns)) {
      engine.deleteNamespace(ns); // a second run starts clean
    }
    engine.createNamespace(ns, DistanceMetric.COSINE, Map.of("example", "engine-demo"));
    out.printf("Writing %,d articles with 128-dim embeddings in batches of 1,000%n", count);
    Progress progress = new Progress(out, "  ", count, Progress.interactive() && out == System.out);
    List<Document> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(Dataset.document(42, i));
      if (batch.size() == 1000 || i == count - 1) {
        engine.write(ns, WriteRequest.upsert(batch));
        batch.clear();
        progress.update(i + 1);
      }
    }
    progress.finish();
    engine.compact(ns, true);
    NamespaceInfo info = engine.getNamespace(ns);
    Show.namespace(out, info);

    IncludeAttributes show = IncludeAttributes.of(List.of("lang", "year"));
    Show.result(
        out,
        "vector: nearest to \"kafka streaming pipelines\"",
        engine.query(
            ns,
            QueryRequest.builder()
                .rankBy(new RankBy.Vector(Embeddings.embed("kafka streaming pipelines"), false))
                .includeAttributes(show)
                .topK(5)
                .build()));
    Show.result(
        out,
        "BM25: \"exactly once checkpoints\" in any text field",
        engine.query(
            ns,
            QueryRequest.builder()
                .rankBy(new RankBy.Text("$text", "exactly once checkpoints"))
                .includeAttributes(show)
                .topK(5)
                .build()));
    Show.result(
        out,
        "filtered: vector search among German articles from 2022 on",
        engine.query(
            ns,
            QueryRequest.builder()
                .rankBy(new RankBy.Vector(Embeddings.embed("vector search embeddings"), false))
                .filter(
                    new Filter.And(
                        List.of(
                            Filter.Compare.of("lang", Filter.Op.Eq, "de"),
                            Filter.Compare.of("year", Filter.Op.Gte, 2022))))
                .includeAttributes(show)
                .topK(5)
                .build()));
    Show.result(
        out,
        "hybrid: vector + BM25 fused with reciprocal rank fusion",
        engine.query(
            ns,
            QueryRequest.builder()
                .queries(
                    List.of(
                        new QueryRequest.SubQuery(
                            new RankBy.Vector(Embeddings.embed("object storage caching"), false),
                            null,
                            20),
                        new QueryRequest.SubQuery(new RankBy.Text("body", "caching s3"), null, 20)))
                .includeAttributes(show)
                .topK(5)
                .build()));
  }
}
