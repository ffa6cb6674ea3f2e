package dev.shoal.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the quickstart as users do, {@code java -jar target/shoal-examples.jar}, in a child JVM: the
 * packaged jar, its class path and the Connect plugin folder are what is tested. Two runs on one
 * data folder: the first exits after the queries, the second replaces the first's namespace,
 * serves, answers a query from the printed commands and stops on SIGTERM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuickstartIT {
  static final Path JAR = Path.of("target", "shoal-examples.jar");
  @TempDir static Path data;

  @Test
  @Order(1)
  void runsThePipelineAndTheQueries() throws Exception {
    Process p = start("--docs", "500", "--no-serve", "--port", "0");
    try {
      checkFirstRun(p);
    } finally {
      p.destroyForcibly();
    }
  }

  private static void checkFirstRun(Process p) throws Exception {
    List<String> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.add(line);
      }
    }
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("exited").isTrue();
    String text = String.join("\n", out);
    assertThat(p.exitValue()).as(text).isZero();
    assertThat(text)
        .contains("[1/6] Starting a Kafka broker")
        .contains("[2/6] Starting a Kafka Connect worker with the Shoal sink plugin")
        .contains("[3/6] Creating topic 'articles' and connector 'shoal-quickstart'")
        .contains("[4/6] Producing 500 articles")
        .contains("[5/6] Waiting for the sink")
        .contains("    [##############################]     500 / 500 100%")
        .contains(
            "GET  /v1/namespaces/demo/quickstart/articles: 500 documents, 1 segment(s), 0 WAL"
                + " batch(es), dimension 128, cosine")
        .contains("Vector search")
        .contains("Full-text search")
        .contains("Filtered vector search")
        .contains("Hybrid search")
        .contains("Commands to try")
        .doesNotContain("Exception")
        .doesNotContain("WARN")
        .doesNotContain("ERROR");
    // Four queries, five rows each.
    assertThat(out.stream().filter(l -> l.matches("    [1-5]\\. doc-\\d{6} .*"))).hasSize(20);
    assertThat(data.resolve("demo/quickstart")).isDirectory();
  }

  @Test
  @Order(2)
  void secondRunReplacesTheNamespaceAndServesUntilStopped() throws Exception {
    Process p = start("--docs", "300", "--port", "0");
    try {
      checkServingRun(p);
    } finally {
      p.destroyForcibly(); // a no-op once it stopped; never leaves a server behind
    }
  }

  private static void checkServingRun(Process p) throws Exception {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> out = new ArrayList<>();
    String line;
    String server = null;
    while ((line = reader.readLine()) != null) {
      out.add(line);
      Matcher m = Pattern.compile("  S=(http://127\\.0\\.0\\.1:\\d+); ").matcher(line);
      if (m.find()) {
        server = m.group(1);
      }
      if (line.startsWith("The data stays in")) {
        break;
      }
    }
    String text = String.join("\n", out);
    assertThat(text)
        .contains("Removed the namespace demo/quickstart/articles of an earlier run.")
        .contains("Serving until Ctrl-C")
        .contains(": 300 documents,");
    assertThat(server).as(text).isNotNull();

    // The printed BM25 command's body, sent as printed.
    String bm25 =
        out.stream()
            .filter(l -> l.startsWith("  curl") && l.contains("\"BM25\",\"exactly once"))
            .findFirst()
            .orElseThrow();
    String body = bm25.substring(bm25.indexOf("-d '") + 4, bm25.lastIndexOf('\''));
    JsonNode result =
        new JsonHttp()
            .post(URI.create(server + "/v1/namespaces/demo/quickstart/articles/query"), body, 200);
    assertThat(result.path("rows")).hasSize(5);
    assertThat(
            new JsonHttp()
                .get(URI.create(server + "/v1/namespaces/demo/quickstart/articles"), 200)
                .path("doc_count")
                .asLong())
        .isEqualTo(300);

    // SIGTERM (Ctrl-C would be SIGINT): the shutdown hook stops everything. Unlike
    // Process.destroy(), this leaves the output stream open to read the rest.
    p.toHandle().destroy();
    List<String> rest = new ArrayList<>();
    while ((line = reader.readLine()) != null) {
      rest.add(line);
    }
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("stopped").isTrue();
    assertThat(String.join("\n", rest)).contains("Stopping ...").doesNotContain("Cannot stop");
  }

  private static Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.add("-jar");
    command.add(JAR.toString());
    command.add("--data-dir");
    command.add(data.toString());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }
}
