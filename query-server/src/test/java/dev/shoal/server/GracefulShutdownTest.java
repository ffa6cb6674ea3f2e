package dev.shoal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.Consistency;
import dev.shoal.engine.Engine;
import dev.shoal.engine.model.NamespacePath;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class GracefulShutdownTest {
  @Test
  void finishesRequestsInFlightThenStops() throws Exception {
    TestServer server = TestServer.open();
    int port = server.server.port();
    String body = "{\"upserts\":[{\"id\":\"in-flight\",\"attrs\":{\"k\":1}}]}";
    int half = body.length() / 2;
    try (Socket client = new Socket("127.0.0.1", port)) {
      client.setSoTimeout(30_000);
      OutputStream out = client.getOutputStream();
      out.write(
          ("POST /v1/namespaces/acme/stop/docs/documents HTTP/1.1\r\nHost: x\r\n"
                  + "Content-Type: application/json\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body.substring(0, half))
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      waitUntil(() -> server.server.requestsInFlight() == 1, "the request to be in flight");

      CompletableFuture<Void> stopping = CompletableFuture.runAsync(server.server::close);
      waitUntil(() -> refusesConnections(port), "new connections to be refused");
      assertThat(stopping).isNotDone();

      out.write(body.substring(half).getBytes(StandardCharsets.UTF_8));
      out.flush();
      String response = new String(client.getInputStream().readNBytes(12), StandardCharsets.UTF_8);
      assertThat(response).isEqualTo("HTTP/1.1 200");
      stopping.get(30, TimeUnit.SECONDS);
    }
    try (Engine reopened = Engine.builder().store(server.store).build()) {
      assertThat(
              reopened.getDocument(
                  NamespacePath.parse("acme/stop/docs"), "in-flight", Consistency.STRONG))
          .isPresent();
    }
  }

  @Test
  void newRequestsOnOpenConnectionsGet503WhileInFlightOnesFinish() throws Exception {
    TestServer server = TestServer.open();
    int port = server.server.port();
    String body = "{\"upserts\":[{\"id\":\"slow\",\"attrs\":{\"k\":1}}]}";
    int half = body.length() / 2;
    try (Socket idle = new Socket("127.0.0.1", port);
        Socket busy = new Socket("127.0.0.1", port)) {
      idle.setSoTimeout(30_000);
      busy.setSoTimeout(30_000);
      // A first request makes sure Jetty has accepted the keep-alive connection.
      OutputStream idleOut = idle.getOutputStream();
      idleOut.write(get("/health").getBytes(StandardCharsets.US_ASCII));
      idleOut.flush();
      assertThat(readResponse(idle.getInputStream())).startsWith("HTTP/1.1 200");

      OutputStream busyOut = busy.getOutputStream();
      busyOut.write(
          ("POST /v1/namespaces/acme/stop/docs/documents HTTP/1.1\r\nHost: x\r\n"
                  + "Content-Type: application/json\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body.substring(0, half))
              .getBytes(StandardCharsets.UTF_8));
      busyOut.flush();
      waitUntil(() -> server.server.requestsInFlight() == 1, "the request to be in flight");

      CompletableFuture<Void> stopping = CompletableFuture.runAsync(server.server::close);
      waitUntil(() -> refusesConnections(port), "new connections to be refused");

      idleOut.write(get("/v1/namespaces/acme/stop").getBytes(StandardCharsets.US_ASCII));
      idleOut.flush();
      String refused = readResponse(idle.getInputStream());
      assertThat(refused).startsWith("HTTP/1.1 503");
      assertThat(refused.toLowerCase(java.util.Locale.ROOT))
          .contains("retry-after: 1")
          .contains("connection: close")
          .contains("content-type: application/json");
      assertThat(refused).contains("\"code\":\"unavailable\"").contains("\"request_id\":\"");
      assertThat(stopping).isNotDone();

      busyOut.write(body.substring(half).getBytes(StandardCharsets.UTF_8));
      busyOut.flush();
      assertThat(readResponse(busy.getInputStream())).startsWith("HTTP/1.1 200");
      stopping.get(30, TimeUnit.SECONDS);
    }
  }

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
  }

  /** One HTTP/1.1 answer with a Content-Length body: status line, headers and body. */
  private static String readResponse(java.io.InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed after: " + head);
      }
      head.append((char) c);
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  private static boolean refusesConnections(int port) {
    try {
      new Socket("127.0.0.1", port).close();
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /** Polls a condition every 10 ms for at most 10 s. */
  private static void waitUntil(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
