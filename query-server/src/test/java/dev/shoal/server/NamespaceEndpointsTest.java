package dev.shoal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NamespaceEndpointsTest {
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.open();
    http = server.http();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void createsDescribesRelabelsAndDeletesNamespace() {
    Http.Res created =
        http.post(
            "/v1/namespaces/acme/search/docs",
            "{\"distance_metric\":\"euclidean\",\"labels\":{\"team\":\"search\"}}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonNode info = created.json();
    assertThat(info.get("org").asText()).isEqualTo("acme");
    assertThat(info.get("project").asText()).isEqualTo("search");
    assertThat(info.get("namespace").asText()).isEqualTo("docs");
    assertThat(info.get("distance_metric").asText()).isEqualTo("euclidean");
    assertThat(info.get("doc_count").asLong()).isZero();
    assertThat(info.get("vector_dim").isNull()).isTrue();
    assertThat(info.get("labels").get("team").asText()).isEqualTo("search");
    assertThat(info.get("created_at_ms").asLong()).isPositive();
    assertThat(info.get("updated_at_ms").asLong()).isPositive();
    assertThat(info.get("pinned").asBoolean()).isFalse();
    assertThat(info.has("wal_files")).isTrue();
    assertThat(info.has("wal_records")).isTrue();
    assertThat(info.has("segments")).isTrue();
    assertThat(info.has("bytes")).isTrue();
    assertThat(info.has("version")).isTrue();
    assertThat(info.has("parent")).isTrue();

    Http.Res again = http.post("/v1/namespaces/acme/search/docs", "{}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("already_exists");
    assertThat(again.errorMessage()).contains("acme/search/docs");

    Http.Res got = http.get("/v1/namespaces/acme/search/docs");
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json().get("distance_metric").asText()).isEqualTo("euclidean");

    Http.Res patched =
        http.patch("/v1/namespaces/acme/search/docs", "{\"labels\":{\"tier\":\"gold\"}}");
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    assertThat(patched.json().get("labels").size()).isEqualTo(1);
    assertThat(patched.json().get("labels").get("tier").asText()).isEqualTo("gold");

    Http.Res deleted = http.delete("/v1/namespaces/acme/search/docs");
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    Http.Res gone = http.get("/v1/namespaces/acme/search/docs");
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.errorCode()).isEqualTo("not_found");
    assertThat(http.delete("/v1/namespaces/acme/search/docs").status()).isEqualTo(404);
    assertThat(http.patch("/v1/namespaces/acme/search/docs", "{\"labels\":{}}").status())
        .isEqualTo(404);
  }

  @Test
  void createWithoutBodyUsesCosine() {
    Http.Res created = http.send("POST", "/v1/namespaces/acme/defaults/docs", null);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().get("distance_metric").asText()).isEqualTo("cosine");
    assertThat(created.json().get("labels").size()).isZero();
  }

  @Test
  void listsNamespacesPageByPageWithPrefix() {
    for (String name : new String[] {"a1", "a2", "a3", "b1"}) {
      assertThat(http.post("/v1/namespaces/acme/listing/" + name, "{}").status()).isEqualTo(201);
    }
    JsonNode all = http.get("/v1/namespaces/acme/listing").json();
    assertThat(all.get("namespaces").toString()).isEqualTo("[\"a1\",\"a2\",\"a3\",\"b1\"]");
    assertThat(all.get("next_cursor").isNull()).isTrue();

    JsonNode page1 = http.get("/v1/namespaces/acme/listing?prefix=a&limit=2").json();
    assertThat(page1.get("namespaces").toString()).isEqualTo("[\"a1\",\"a2\"]");
    String cursor = page1.get("next_cursor").asText();
    JsonNode page2 =
        http.get("/v1/namespaces/acme/listing?prefix=a&limit=2&cursor=" + cursor).json();
    assertThat(page2.get("namespaces").toString()).isEqualTo("[\"a3\"]");
    assertThat(page2.get("next_cursor").isNull()).isTrue();

    assertThat(http.get("/v1/namespaces/acme/empty").json().get("namespaces").size()).isZero();
  }

  @Test
  void rejectsBadListParameters() {
    Http.Res limit = http.get("/v1/namespaces/acme/listing?limit=0");
    assertThat(limit.status()).isEqualTo(400);
    assertThat(limit.errorMessage()).contains("limit");
    assertThat(http.get("/v1/namespaces/acme/listing?limit=ten").status()).isEqualTo(400);
    Http.Res unknown = http.get("/v1/namespaces/acme/listing?limt=5");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.errorMessage()).contains("limt").contains("cursor, limit, prefix");
    assertThat(http.get("/v1/namespaces/acme/listing?limit=1&limit=2").status()).isEqualTo(400);
    assertThat(http.get("/v1/namespaces/acme/listing?prefix=..%2F").status()).isEqualTo(400);
    assertThat(http.get("/v1/namespaces/acme/listing?cursor=..").status()).isEqualTo(400);
  }

  @Test
  void createsWithEnglishTextAnalysis() {
    Http.Res created =
        http.post(
            "/v1/namespaces/acme/analyzed/docs",
            "{\"text_analyzer\":{\"stop_words\":\"english\",\"stemming\":\"porter\"}}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().get("text_analyzer").toString())
        .isEqualTo("{\"stop_words\":\"english\",\"stemming\":\"porter\"}");
    assertThat(
            http.post(
                    "/v1/namespaces/acme/analyzed/docs/documents",
                    "{\"upserts\":[{\"id\":\"a\",\"text\":{\"body\":\"The runners were running\"}}]}")
                .status())
        .isEqualTo(200);
    Http.Res found =
        http.post(
            "/v1/namespaces/acme/analyzed/docs/query",
            "{\"rank_by\":[\"body\",\"BM25\",\"the run\"]}");
    assertThat(found.json().get("rows").get(0).get("id").asText()).isEqualTo("a");
    Http.Res bad =
        http.post(
            "/v1/namespaces/acme/analyzed/other",
            "{\"text_analyzer\":{\"stemming\":\"snowball\"}}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.errorMessage()).contains("text_analyzer").contains("snowball");
  }

  @Test
  void rejectsBadCreateAndPatchBodies() {
    Http.Res metric = http.post("/v1/namespaces/acme/bad/x", "{\"distance_metric\":\"manhattan\"}");
    assertThat(metric.status()).isEqualTo(400);
    assertThat(metric.errorMessage()).contains("manhattan").contains("cosine, euclidean or dot");
    Http.Res unknown = http.post("/v1/namespaces/acme/bad/x", "{\"metric\":\"cosine\"}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.errorMessage()).contains("unknown field \"metric\"");
    Http.Res labels = http.post("/v1/namespaces/acme/bad/x", "{\"labels\":{\"a\":1}}");
    assertThat(labels.status()).isEqualTo(400);
    assertThat(labels.errorMessage()).contains("labels.a").contains("string");

    assertThat(http.post("/v1/namespaces/acme/bad/y", "{}").status()).isEqualTo(201);
    Http.Res noLabels = http.patch("/v1/namespaces/acme/bad/y", "{}");
    assertThat(noLabels.status()).isEqualTo(400);
    assertThat(noLabels.errorMessage()).contains("\"labels\" is missing");
    assertThat(http.get("/v1/namespaces/acme/bad").json().get("namespaces").toString())
        .isEqualTo("[\"y\"]");
  }
}
