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
