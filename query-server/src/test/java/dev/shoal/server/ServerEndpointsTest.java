package dev.shoal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.server.api.ShoalApi;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Health, metrics, OpenAPI, request ids, the access log, routing errors and limits. */
class ServerEndpointsTest {
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer(b -> b.maxConcurrentQueries(2).maxBodyBytes(64 << 10));
    http = server.http();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void healthAnswersOkWithRequestId() {
    Http.Res r = http.get("/health");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.header("X-Request-Id")).matches("[0-9a-f]{16}");
  }

  @Test
  void echoesASaneRequestIdAndReplacesOthers() throws Exception {
    Http.Res given =
        Http.send(
            server.client,
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(http.base() + "/health"))
                .header("X-Request-Id", "client-42.a")
                .build());
    assertThat(given.header("X-Request-Id")).isEqualTo("client-42.a");
    Http.Res odd =
        Http.send(
            server.client,
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(http.base() + "/health"))
                .header("X-Request-Id", "has spaces and \"quotes\"")
                .build());
    assertThat(odd.header("X-Request-Id")).matches("[0-9a-f]{16}");
    assertThat(server.accessLine("client-42.a")).contains("\"status\":200");
  }

  @Test
  void writesOneStructuredAccessLinePerRequest() throws Exception {
    Http.Res r = http.get("/v1/namespaces/acme/logs/none");
    String id = r.header("X-Request-Id");
    JsonNode line = Http.JSON.readTree(server.accessLine(id));
    assertThat(line.get("method").asText()).isEqualTo("GET");
    assertThat(line.get("path").asText()).isEqualTo("/v1/namespaces/acme/logs/none");
    assertThat(line.get("route").asText()).isEqualTo("/v1/namespaces/{org}/{project}/{ns}");
    assertThat(line.get("status").asInt()).isEqualTo(404);
    assertThat(line.get("error").asText()).isEqualTo("not_found");
    assertThat(line.get("ms").asDouble()).isNotNegative();
    assertThat(line.has("time")).isTrue();
    assertThat(line.has("remote")).isTrue();
  }

  @Test
  void servesPrometheusMetrics() {
    http.get("/health");
    http.get("/no/such/route");
    Http.Res r = http.get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/plain; version=0.0.4");
    assertThat(r.body())
        .contains("# TYPE shoal_http_requests_total counter")
        .containsPattern(
            "shoal_http_requests_total\\{method=\"GET\",route=\"/health\",status=\"200\"} \\d+")
        .contains("shoal_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}")
        .contains("# TYPE shoal_http_request_duration_seconds histogram")
        .contains(
            "shoal_http_request_duration_seconds_bucket{method=\"GET\",route=\"/health\",le=\"+Inf\"}")
        .contains("shoal_http_request_duration_seconds_count{method=\"GET\",route=\"/health\"}")
        .contains("shoal_http_requests_in_flight ")
        .contains("shoal_queries_rejected_total ")
        .contains("shoal_queries_in_flight 0")
        .contains("shoal_queries_max 2")
        .contains("# TYPE shoal_cache_hits_total counter")
        .contains("shoal_cache_hits_total{tier=\"memory\"}")
        .contains("shoal_cache_misses_total{tier=\"disk\"}")
        .contains("shoal_cache_budget_bytes{tier=\"memory\"}")
        .contains("shoal_store_gets_total ")
        .contains("shoal_store_read_bytes_total ");
    for (String line : r.body().split("\n")) {
      assertThat(line).matches("# (HELP|TYPE) .*|[a-z_]+(\\{.*})? [-+0-9.eE]+(Inf)?");
    }
  }

  @Test
  void servesTheOpenApiDescription() {
    Http.Res r = http.get("/openapi.json");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("openapi").asText()).startsWith("3.");
    assertThat(r.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(ShoalApi.openApiDocument());
  }

  @Test
  void unknownRoutesAndMethodsAnswerJson() {
    Http.Res none = http.get("/v2/whatever");
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.errorCode()).isEqualTo("not_found");
    assertThat(none.errorMessage()).contains("/v2/whatever");
    assertThat(http.get("/").status()).isEqualTo(404);
    assertThat(http.get("/v1/namespaces/acme/search/docs/").status()).isEqualTo(404);

    Http.Res method = http.send("PUT", "/v1/namespaces/acme/search/docs", "{}");
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.errorCode()).isEqualTo("method_not_allowed");
    assertThat(method.header("Allow")).isEqualTo("DELETE, GET, PATCH, POST");
    assertThat(http.send("GET", "/v1/namespaces/acme/search/docs/query", null).status())
        .isEqualTo(405);
    assertThat(http.send("OPTIONS", "/health", null).status()).isEqualTo(405);
  }

  @Test
  void refusesQueriesOverTheConcurrencyLimitWith429() {
    assertThat(
            http.post("/v1/namespaces/acme/busy/docs/documents", "{\"upserts\":[{\"id\":\"1\"}]}")
                .status())
        .isEqualTo(200);
    var limiter = server.server.queryLimiter();
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isTrue();
    try {
      Http.Res r = http.post("/v1/namespaces/acme/busy/docs/query", "{}");
      assertThat(r.status()).isEqualTo(429);
      assertThat(r.errorCode()).isEqualTo("overloaded");
      assertThat(r.header("Retry-After")).isEqualTo("1");
      assertThat(r.errorMessage()).contains("2 queries");
      assertThat(http.get("/health").status()).isEqualTo(200);
    } finally {
      limiter.release();
      limiter.release();
    }
    assertThat(http.post("/v1/namespaces/acme/busy/docs/query", "{}").status()).isEqualTo(200);
    assertThat(http.get("/metrics").body()).contains("shoal_queries_rejected_total 1");
  }

  @Test
  void refusesBodiesOverTheLimitWith413() throws Exception {
    byte[] big = new byte[100 << 10];
    Arrays.fill(big, (byte) ' ');
    big[0] = '{';
    big[big.length - 1] = '}';
    Http.Res declared =
        http.send("POST", "/v1/namespaces/acme/huge/docs/documents", big, "application/json");
    assertThat(declared.status()).isEqualTo(413);
    assertThat(declared.errorCode()).isEqualTo("too_large");
    assertThat(declared.errorMessage()).contains("65536 bytes");

    // Chunked, without a Content-Length: counted while reading.
    Http.Res chunked =
        Http.send(
            server.client,
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(http.base() + "/v1/namespaces/acme/huge/docs/documents"))
                .header("Content-Type", "application/json")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(big)))
                .build());
    assertThat(chunked.status()).isEqualTo(413);
    assertThat(chunked.errorCode()).isEqualTo("too_large");
    assertThat(http.get("/v1/namespaces/acme/huge").json().get("namespaces").size()).isZero();
    assertThat(http.get("/health").status()).isEqualTo(200);
  }

  @Test
  void requiresJsonContentTypeForBodies() {
    Http.Res r =
        http.send(
            "POST",
            "/v1/namespaces/acme/types/docs",
            "{}".getBytes(StandardCharsets.UTF_8),
            "text/plain");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorMessage()).contains("Content-Type must be application/json");
    Http.Res charset =
        http.send(
            "POST",
            "/v1/namespaces/acme/types/docs",
            "{}".getBytes(StandardCharsets.UTF_8),
            "application/json; charset=utf-8");
    assertThat(charset.status()).isEqualTo(201);
  }

  @Test
  void requestsJettyRejectsStillAnswerJson() throws Exception {
    String bad = raw("GET /v1/namespaces/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(bad).startsWith("HTTP/1.1 400");
    assertThat(bad).contains("application/json").contains("\"code\":\"invalid_request\"");
    assertThat(bad).doesNotContain("<html");
    assertThat(bad).contains("\"request_id\":\"").containsIgnoringCase("X-Request-Id: ");
    assertThat(bad).contains("\"message\":\"Cannot handle the request: ");

    String huge =
        raw(
            "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "a".repeat(40_000)
                + "\r\nConnection: close\r\n\r\n");
    assertThat(huge).startsWith("HTTP/1.1 431");
    assertThat(huge).doesNotContain("<html");
    assertThat(huge).contains("\"code\":\"too_large\"").contains("\"request_id\":\"");
    assertThat(http.get("/health").status()).isEqualTo(200);
  }

  @Test
  void aBodyCutShortIsA400InTheErrorShape() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.server.port())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /v1/namespaces/acme/cut/docs/documents HTTP/1.1\r\nHost: x\r\n"
                  + "Content-Type: application/json\r\nContent-Length: 100\r\n"
                  + "X-Request-Id: cut-1\r\n\r\n{\"upserts\":[")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      s.shutdownOutput();
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 400");
      assertThat(answer)
          .contains("\"code\":\"invalid_request\"")
          .contains("\"request_id\":\"cut-1\"")
          .contains("Cannot read the request body")
          .doesNotContain("Exception");
    }
    assertThat(http.get("/v1/namespaces/acme/cut").json().get("namespaces").size()).isZero();
  }

  private static String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.server.port())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
