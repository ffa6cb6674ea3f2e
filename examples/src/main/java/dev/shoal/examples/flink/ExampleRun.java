package dev.shoal.examples.flink;

import dev.shoal.engine.Engine;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.query.IncludeAttributes;
import dev.shoal.engine.query.QueryRequest;
import dev.shoal.engine.query.RankBy;
import dev.shoal.engine.storage.ObjectStores;
import dev.shoal.examples.Embeddings;
import dev.shoal.examples.Show;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the Flink examples do around their job: reset the namespace, then show what it holds. */
final class ExampleRun {
  private ExampleRun() {}

  /** Deletes the namespace an earlier run left, so that a run starts from nothing. */
  static void resetNamespace(Path dataDir, NamespacePath ns) throws Exception {
    Files.createDirectories(dataDir);
    try (Engine engine = open(dataDir)) {
      if (engine.namespaceExists(ns)) {
        engine.deleteNamespace(ns);
        System.out.println("Removed the namespace " + ns + " of an earlier run.");
      }
    }
  }

  /** Prints the namespace's description and a vector query's top 5. */
  static void showNamespace(Path dataDir, NamespacePath ns, PrintStream out) {
    try (Engine engine = open(dataDir)) {
      Show.namespace(out, engine.getNamespace(ns));
      Show.result(
          out,
          "vector: nearest to \"kafka streaming pipelines\"",
          engine.query(
              ns,
              QueryRequest.builder()
                  .rankBy(new RankBy.Vector(Embeddings.embed("kafka streaming pipelines"), false))
                  .includeAttributes(IncludeAttributes.of(List.of("lang", "year")))
                  .topK(5)
                  .build()));
    }
  }

  static Engine open(Path dataDir) {
    return Engine.builder().ownedStore(ObjectStores.open(dataDir.toUri().toString())).build();
  }
}
