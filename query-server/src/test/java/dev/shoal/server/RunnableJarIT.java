package dev.shoal.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar target/shoal-server.jar}: help, refusal of an unsafe bind, serve and stop. */
class RunnableJarIT {
  private static final Path JAR = Path.of("target", "shoal-server.jar");

  private static Process run(Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  @Test
  void printsHelp() throws Exception {
    Path log = Files.createTempFile("shoal-help", ".log");
    Process p = run(log, "--help");
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(Files.readString(log))
        .contains("--store")
        .contains("SHOAL_STORE")
        .contains("--api-keys")
        .contains("--insecure");
  }

  @Test
  void refusesNonLoopbackBindWithoutKeys() throws Exception {
    Path log = Files.createTempFile("shoal-bind", ".log");
    Process p = run(log, "--bind", "0.0.0.0", "--store", "memory:", "--port", "0");
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(Files.readString(log)).contains("not a loopback address").contains("--insecure");
  }

  @Test
  void servesFromAFolderStopsOnSigtermAndKeepsTheDataAcrossRestarts(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("shoal-data");
    Path log = dir.resolve("first.log");
    int port = freePort();
    Process p = serve(log, port, "--store", data.toString(), "--log-format", "json");
    try {
      Http http = new Http(Http.newClient(), port, null);
      assertThat(
              http.post(
                      "/v1/namespaces/acme/jar/docs/documents",
                      "{\"upserts\":[{\"id\":\"a\",\"vector\":[1,0]}]}")
                  .status())
          .isEqualTo(200);
      Http.Res q =
          http.post(
              "/v1/namespaces/acme/jar/docs/query", "{\"rank_by\":[\"vector\",\"kNN\",[1,0]]}");
      assertThat(q.json().get("rows").get(0).get("id").asText()).isEqualTo("a");
    } finally {
      p.destroy();
    }
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(log))
        .contains("Shoal server listening on http://127.0.0.1:" + port)
        .contains("\"route\":\"/v1/namespaces/{org}/{project}/{ns}/query\"")
        .contains("Shoal server stopped");

    int again = freePort();
    Process second = serve(dir.resolve("second.log"), again, "--store", data.toString());
    try {
      Http.Res d =
          new Http(Http.newClient(), again, null).get("/v1/namespaces/acme/jar/docs/documents/a");
      assertThat(d.status()).as(d.toString()).isEqualTo(200);
    } finally {
      second.destroy();
      second.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Starts the jar and waits until {@code /health} answers. */
  private static Process serve(Path log, int port, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--port", Integer.toString(port)));
    all.addAll(List.of(args));
    Process p = run(log, all.toArray(String[]::new));
    Http http = new Http(Http.newClient(), port, null);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        if (http.get("/health").status() == 200) {
          return p;
        }
      } catch (RuntimeException notYet) {
        if (System.nanoTime() > deadline || !p.isAlive()) {
          p.destroy();
          throw new AssertionError("server did not start: " + Files.readString(log), notYet);
        }
        Thread.sleep(50);
      }
    }
  }
}
