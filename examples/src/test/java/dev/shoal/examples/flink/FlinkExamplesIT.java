package dev.shoal.examples.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.Consistency;
import dev.shoal.engine.Engine;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.examples.Dataset;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs both Flink examples' main path (a local MiniCluster each) on a small dataset, twice on one
 * folder, and checks that the namespace holds exactly the dataset.
 */
class FlinkExamplesIT {
  @TempDir Path data;

  @Test
  void dataStreamJobWritesEveryArticleOnce() throws Exception {
    for (int run = 0; run < 2; run++) {
      assertThat(FlinkDataStreamExample.run("--docs", "700", "--data-dir", data.toString()))
          .isZero();
      assertHolds(FlinkDataStreamExample.NAMESPACE, 700);
    }
  }

  @Test
  void sqlJobWritesEveryArticleOnce() throws Exception {
    assertThat(
            FlinkSqlExample.run(
                "--docs", "600", "--data-dir", data.toString(), "--checkpoint-ms", "200"))
        .isZero();
    assertHolds(FlinkSqlExample.NAMESPACE, 600);
  }

  private void assertHolds(NamespacePath ns, int docs) {
    try (Engine engine = ExampleRun.open(data)) {
      assertThat(engine.getNamespace(ns).docCount()).isEqualTo(docs);
      assertThat(engine.getNamespace(ns).vectorDim()).isEqualTo(128);
      for (int i : new int[] {0, docs / 2, docs - 1}) {
        Document expected = Dataset.document(Dataset.DEFAULT_SEED, i);
        Document got = engine.getDocument(ns, expected.id(), Consistency.STRONG).orElseThrow();
        assertThat(got.vector()).containsExactly(expected.vector());
        assertThat(got.text()).isEqualTo(expected.text());
        assertThat(got.attrs().get("lang")).isEqualTo(expected.attrs().get("lang"));
        assertThat(((Number) got.attrs().get("year")).intValue())
            .isEqualTo(((Number) expected.attrs().get("year")).intValue());
        assertThat(got.attrs().get("tags")).isEqualTo(expected.attrs().get("tags"));
      }
    }
  }
}
