package dev.shoal.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input of every kind: each is a 4xx JSON error with a message that says what is wrong, the
 * server keeps serving, and nothing is written.
 */
class BadInputTest {
  private static final String DOCS = "/v1/namespaces/acme/bad/docs/documents";
  private static final String QUERY = "/v1/namespaces/acme/good/docs/query";
  private static TestServer server;
  private static Http http;
  private static int objectsBefore;

  @BeforeAll
  static void start() throws Exception {
    server = new TestServer(b -> b.maxBodyBytes(1 << 20));
    http = server.http();
    assertThat(
            http.post(
                    "/v1/namespaces/acme/good/docs/documents",
                    "{\"upserts\":[{\"id\":\"a\",\"vector\":[1,0],\"attrs\":{\"n\":1}}]}")
                .status())
        .isEqualTo(200);
    objectsBefore = server.store.list("").size();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void serverStillServesAndNothingWasWritten() {
    assertThat(http.get("/health").status()).isEqualTo(200);
    assertThat(server.store.list("").size()).isEqualTo(objectsBefore);
    assertThat(server.engine.listNamespaces("acme", "bad", null, null, 10).namespaces()).isEmpty();
  }

  static List<Arguments> badWrites() {
    return List.of(
        // malformed JSON
        Arguments.of("{\"upserts\": [", "Malformed JSON"),
        Arguments.of("{\"upserts\":[{\"id\":\"a\",}]}", "Malformed JSON"),
        Arguments.of("{'upserts': []}", "Malformed JSON"),
        Arguments.of("", "empty"),
        Arguments.of("[]", "expected a JSON object"),
        Arguments.of("{} {}", "unexpected content after"),
        Arguments.of("{\"deletes\":[\"a\"],\"deletes\":[\"b\"]}", "Duplicate field"),
        // wrong types
        Arguments.of("{\"upserts\":{\"id\":\"a\"}}", "upserts: expected an array"),
        Arguments.of("{\"upserts\":[{\"id\":5}]}", "\"id\" must be a string"),
        Arguments.of("{\"upserts\":[{\"id\":\"a\",\"vector\":[\"x\"]}]}", "upserts[0].vector[0]"),
        Arguments.of(
            "{\"upserts\":[{\"id\":\"a\",\"attrs\":{\"o\":{\"p\":1}}}]}", "objects are not"),
        Arguments.of("{\"upserts\":[{\"id\":\"a\",\"text\":{\"t\":1}}]}", "upserts[0].text.t"),
        Arguments.of("{\"deletes\":[1]}", "deletes[0]"),
        Arguments.of("{\"deletes\":[\"\"]}", "deletes[0]"),
        Arguments.of("{\"upserts\":[{\"id\":\"a\"}],\"if_version\":\"3\"}", "if_version"),
        Arguments.of("{\"upserts\":[{\"id\":\"a\"}],\"if_version\":-1}", "if_version"),
        Arguments.of("{\"upserts\":[{\"id\":\"a\"}],\"idempotency_key\":7}", "idempotency_key"),
        Arguments.of("{\"upserts\":[{\"id\":\"a\"}],\"distance_metric\":\"l1\"}", "l1"),
        Arguments.of("{\"delete_by_filter\":[\"lang\",\"Eq\"]}", "delete_by_filter"),
        Arguments.of(
            "{\"upserts\":[{\"id\":\"a\",\"vector\":[1,0]},{\"id\":\"b\",\"vector\":[1]}]}",
            "dimension"),
        Arguments.of("{}", "no upserts, patches, deletes"),
        // unknown fields
        Arguments.of("{\"upsert\":[{\"id\":\"a\"}]}", "unknown field \"upsert\""),
        Arguments.of("{\"upserts\":[{\"id\":\"a\",\"vec\":[1]}]}", "unknown field \"vec\""),
        Arguments.of(
            "{\"upserts\":[{\"id\":\"a\",\"sparse\":{\"indices\":[1],\"values\":[1],\"w\":1}}]}",
            "unknown field \"w\""),
        // NaN and out-of-range numbers
        Arguments.of("{\"upserts\":[{\"id\":\"a\",\"vector\":[NaN]}]}", "Malformed JSON"),
        Arguments.of("{\"upserts\":[{\"id\":\"a\",\"vector\":[1e999]}]}", "not a finite"),
        Arguments.of("{\"upserts\":[{\"id\":\"a\",\"attrs\":{\"x\":Infinity}}]}", "Malformed JSON"),
        Arguments.of("{\"upserts\":[{\"id\":\"a\",\"attrs\":{\"x\":1e999}}]}", "out of range"),
        // deep nesting
        Arguments.of(
            "{\"upserts\":[{\"id\":\"a\",\"attrs\":{\"x\":"
                + "[".repeat(5000)
                + "]".repeat(5000)
                + "}}]}",
            "arrays may hold only"),
        Arguments.of(
            "{\"delete_by_filter\":" + "[".repeat(5000) + "]".repeat(5000) + "}", "nesting depth"),
        Arguments.of("{\"x\":" + "{\"y\":".repeat(5000) + "1" + "}".repeat(5001), "unknown field"),
        Arguments.of(
            "{\"delete_by_filter\":"
                + "[\"Not\",".repeat(40)
                + "[\"a\",\"Eq\",1]"
                + "]".repeat(40)
                + "}",
            "nested deeper"));
  }

  @ParameterizedTest
  @MethodSource("badWrites")
  void rejectsBadWrite(String body, String expected) {
    Http.Res r = http.post(DOCS, body);
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    assertThat(r.errorMessage()).contains(expected);
    assertThat(r.body()).doesNotContain("at dev.shoal").doesNotContain("<html");
  }

  static List<Arguments> badQueries() {
    return List.of(
        Arguments.of("{\"rank_by\":[\"vector\",\"ANN\",[NaN,1]]}", "Malformed JSON"),
        Arguments.of("{\"rank_by\":[\"vector\",\"ANN\",[1e50,1]]}", "not a finite"),
        Arguments.of("{\"rank_by\":\"vector\"}", "rank_by"),
        Arguments.of("{\"rank_by\":[\"vector\",\"ANN\",[1,0],5]}", "extra elements"),
        Arguments.of("{\"rank_by\":[\"title\",\"BM25\",5]}", "rank_by[2]"),
        Arguments.of("{\"top_k\":\"10\"}", "top_k"),
        Arguments.of("{\"top_k\":1.5}", "top_k"),
        Arguments.of("{\"top_k\":99999999999}", "top_k"),
        Arguments.of("{\"include_text\":\"yes\"}", "include_text"),
        Arguments.of("{\"include_attributes\":[1]}", "include_attributes[0]"),
        Arguments.of("{\"consistency\":\"linearizable\"}", "consistency"),
        Arguments.of("{\"topk\":1}", "unknown field \"topk\""),
        Arguments.of("{\"filters\":{\"lang\":\"en\"}}", "filter"),
        Arguments.of("{\"top_k\":1,\"top_k\":2}", "Duplicate field"),
        Arguments.of("{\"queries\":[]}", "at least one"),
        Arguments.of("{\"queries\":[{\"rank_by\":[\"id\",\"asc\"],\"boost\":2}]}", "boost"));
  }

  @ParameterizedTest
  @MethodSource("badQueries")
  void rejectsBadQuery(String body, String expected) {
    Http.Res r = http.post(QUERY, body);
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorMessage()).contains(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "..",
        "%2e%2e",
        "%2E%2E",
        ".hidden",
        "_x",
        "-x",
        "a%2Fb",
        "..%2F..%2Fetc",
        "a%20b",
        "%C3%A9t%C3%A9",
        "a..b"
      })
  void rejectsInvalidNamespaceNames(String name) {
    for (String path :
        List.of(
            "/v1/namespaces/acme/bad/" + name + "/documents",
            "/v1/namespaces/acme/" + name + "/docs/documents",
            "/v1/namespaces/" + name + "/bad/docs/documents")) {
      Http.Res r = http.post(path, "{\"upserts\":[{\"id\":\"a\"}]}");
      assertThat(r.status()).as(path + " -> " + r).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("invalid_request");
      assertThat(r.errorMessage()).containsPattern("Invalid (organization|project|namespace) name");
    }
    assertThat(server.engine.listNamespaces("acme", "bad", null, null, 10).namespaces()).isEmpty();
  }

  @Test
  void rejectsEncodedNul() {
    // Jetty refuses an encoded NUL in a path before routing (and closes the connection, so this
    // is a GET: a request body still in flight would race the close).
    Http.Res r = http.get("/v1/namespaces/acme/bad/a%00b");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
  }

  @Test
  void rejectsTooLongNamespaceName() {
    Http.Res r = http.post("/v1/namespaces/acme/bad/" + "n".repeat(129) + "/documents", "{}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorMessage()).contains("129 characters");
  }

  @Test
  void rejectsInvalidUtf8InBodyAndPath() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes("{\"upserts\":[{\"id\":\"a".getBytes(StandardCharsets.UTF_8));
    body.write(0xff);
    body.write(0xfe);
    body.writeBytes("\"}]}".getBytes(StandardCharsets.UTF_8));
    Http.Res r = http.send("POST", DOCS, body.toByteArray(), "application/json");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorMessage()).contains("Malformed JSON").contains("UTF-8");

    Http.Res path = http.post("/v1/namespaces/acme/bad/%ff%fe/documents", "{}");
    assertThat(path.status()).isEqualTo(400);
    assertThat(path.errorMessage()).contains("not valid UTF-8");
    Http.Res id = http.get("/v1/namespaces/acme/good/docs/documents/%C3%28");
    assertThat(id.status()).isEqualTo(400);
  }

  @Test
  void rawDotDotSegmentsAreRejectedNotResolved() {
    // The JDK client sends the path as given; Jetty must not resolve it to another route.
    Http.Res r =
        Http.send(
            http.client(),
            HttpRequest.newBuilder(URI.create(http.base() + "/v1/namespaces/acme/bad/../documents"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"upserts\":[{\"id\":\"a\"}]}"))
                .build());
    assertThat(r.status()).as(r.toString()).isBetween(400, 404);
    assertThat(r.body()).startsWith("{\"error\":");
  }
}
