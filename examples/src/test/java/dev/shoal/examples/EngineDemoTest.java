package dev.shoal.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.Engine;
import dev.shoal.engine.storage.InMemoryObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the engine demo's main path on a small dataset, twice (a second run starts clean). */
class EngineDemoTest {
  @Test
  void writesCompactsAndAnswersTheFourQueries() {
    try (Engine engine = Engine.builder().ownedStore(new InMemoryObjectStore()).build()) {
      for (int run = 0; run < 2; run++) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EngineDemo.run(
            engine,
            EngineDemo.NAMESPACE,
            1500,
            new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out)
            .contains("1,500 / 1,500")
            .contains("namespace demo/engine/articles: 1,500 documents, 1 segment(s), 0 WAL")
            .contains("vector: nearest to \"kafka streaming pipelines\"")
            .contains("BM25: \"exactly once checkpoints\"")
            .contains("filtered: vector search among German articles from 2022 on")
            .contains("hybrid: vector + BM25");
        // Every query printed five rows; the filtered one only German articles from 2022 on.
        assertThat(out.lines().filter(l -> l.startsWith("  doc-")).count()).isEqualTo(20);
        String filtered = out.substring(out.indexOf("filtered:"), out.indexOf("hybrid:"));
        assertThat(filtered.lines().filter(l -> l.startsWith("  doc-")))
            .hasSize(5)
            .allMatch(l -> l.contains("lang=de") && l.matches(".*year=202[2-5].*"));
      }
    }
  }
}
