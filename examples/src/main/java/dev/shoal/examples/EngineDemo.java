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
import dev.shoal.engine.query.QueryResult;
import dev.shoal.engine.query.QueryRow;
import dev.shoal.engine.query.RankBy;
import dev.shoal.engine.storage.ObjectStores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The engine on its own, embedded: writes a generated dataset into a namespace in a local folder,
 * compacts it and runs a vector, a BM25, a filtered and a hybrid query.
 *
 * <pre>java -cp ... dev.shoal.examples.EngineDemo [data-folder] [documents]</pre>
 */
public final class EngineDemo {
  private EngineDemo() {}

  public static void main(String[] args) {
    Path data = Path.of(args.length > 0 ? args[0] : "shoal-data").toAbsolutePath();
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    NamespacePath ns = NamespacePath.parse("demo/quickstart/articles");
    try (Engine engine =
        Engine.builder().ownedStore(ObjectStores.open(data.toUri().toString())).build()) {
      run(engine, ns, count, System.out);
    }
  }

  static void run(Engine engine, NamespacePath ns, int count, java.io.PrintStream out) {
    if (engine.namespaceExists(ns)) {
      engine.deleteNamespace(ns); // a second run starts clean
    }
    engine.createNamespace(ns, DistanceMetric.COSINE, Map.of("example", "engine-demo"));
    List<Document> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(Dataset.document(42, i));
      if (batch.size() == 1000 || i == count - 1) {
        engine.write(ns, WriteRequest.upsert(batch));
        batch.clear();
        out.printf("\rwrote %,d / %,d documents", i + 1, count);
      }
    }
    out.println();
    engine.compact(ns, true);
    NamespaceInfo info = engine.getNamespace(ns);
    out.printf(
        "namespace %s: %,d documents, %d segment(s), version %d%n",
        ns, info.docCount(), info.segments(), info.version());

    IncludeAttributes show = IncludeAttributes.of(List.of("lang", "year"));
    print(
        out,
        "vector: nearest to \"kafka streaming pipelines\"",
        engine.query(
            ns,
            QueryRequest.builder()
                .rankBy(new RankBy.Vector(Embeddings.embed("kafka streaming pipelines"), false))
                .includeAttributes(show)
                .topK(5)
                .build()));
    print(
        out,
        "BM25: \"exactly once checkpoints\" in any text field",
        engine.query(
            ns,
            QueryRequest.builder()
                .rankBy(new RankBy.Text("$text", "exactly once checkpoints"))
                .includeAttributes(show)
                .topK(5)
                .build()));
    print(
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
    print(
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

  private static void print(java.io.PrintStream out, String title, QueryResult result) {
    out.println();
    out.println(title);
    for (QueryRow row : result.rows()) {
      out.printf("  %-10s %8.4f  %s%n", row.id(), row.score(), row.attrs());
    }
    out.printf(
        "  (%d segment(s) searched, %d WAL documents scanned, cache %s, %.1f ms)%n",
        result.performance().segmentsSearched(),
        result.performance().exhaustiveDocs(),
        result.performance().cache(),
        result.performance().serverMs());
  }
}
