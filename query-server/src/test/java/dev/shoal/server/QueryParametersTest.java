package dev.shoal.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every route rejects query parameters it does not take, including routes that take none. */
class QueryParametersTest {
  private static final String NS = "/v1/namespaces/acme/params/docs";
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.open();
    http = server.http();
    assertThat(http.post(NS + "/documents", "{\"upserts\":[{\"id\":\"a\",\"vector\":[1,0]}]}"))
        .extracting(Http.Res::status)
        .isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void assertRejected(Http.Res r, String param) {
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    assertThat(r.errorMessage()).contains("\"" + param + "\"");
    assertThat(r.json().path("error").path("request_id").asText()).isNotEmpty();
  }

  @Test
  void routesWithoutParametersRejectAnyParameter() {
    assertRejected(http.get("/health?verbose=1"), "verbose");
    assertRejected(http.get("/metrics?name=x"), "name");
    assertRejected(http.get(NS + "?details"), "details");
    assertRejected(
        http.post(NS + "/query?top_k=5", "{\"rank_by\":[\"vector\",\"kNN\",[1,0]]}"), "top_k");
    assertRejected(http.put(NS + "/pin?now=true"), "now");
  }

  @Test
  void routesWithParametersRejectOthersAndKeepTheirOwn() {
    assertRejected(http.get("/v1/namespaces/acme/params?prefix=d&sort=asc"), "sort");
    assertRejected(http.get(NS + "/documents/a?consistency=strong&fields=id"), "fields");
    assertThat(http.get(NS + "/documents/a?consistency=eventual").status()).isEqualTo(200);
    assertThat(http.get("/v1/namespaces/acme/params?prefix=d&limit=5").status()).isEqualTo(200);
  }

  @Test
  void aRejectedWriteWritesNothing() {
    String path = "/v1/namespaces/acme/params/fresh";
    assertRejected(
        http.post(path + "/documents?dry_run=1", "{\"upserts\":[{\"id\":\"x\",\"vector\":[1]}]}"),
        "dry_run");
    assertThat(http.get(path).status()).isEqualTo(404);
  }
}
