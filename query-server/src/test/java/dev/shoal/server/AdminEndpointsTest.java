package dev.shoal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Branch, copy, compact, warm, pin and repair over the engine. */
class AdminEndpointsTest {
  private static final String P = "/v1/namespaces/acme/admin/";
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.open();
    http = server.http();
    for (int batch = 0; batch < 3; batch++) {
      StringBuilder b = new StringBuilder("{\"upserts\":[");
      for (int i = 0; i < 10; i++) {
        b.append(i == 0 ? "" : ",")
            .append("{\"id\":\"d")
            .append(batch * 10 + i)
            .append("\",\"vector\":[1,")
            .append(i)
            .append("],\"attrs\":{\"batch\":")
            .append(batch)
            .append("}}");
      }
      assertThat(http.post(P + "docs/documents", b.append("]}").toString()).status())
          .isEqualTo(200);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void branchesAndCopiesAreIndependentNamespaces() {
    Http.Res branch = http.post(P + "docs/branch", "{\"target\":\"docs-branch\"}");
    assertThat(branch.status()).as(branch.toString()).isEqualTo(201);
    JsonNode info = branch.json();
    assertThat(info.get("namespace").asText()).isEqualTo("docs-branch");
    assertThat(info.get("parent").asText()).isEqualTo("acme/admin/docs");
    assertThat(info.get("doc_count").asLong()).isEqualTo(30);

    Http.Res copy = http.post(P + "docs/copy", "{\"target\":\"docs-copy\"}");
    assertThat(copy.status()).as(copy.toString()).isEqualTo(201);
    assertThat(copy.json().get("namespace").asText()).isEqualTo("docs-copy");
    assertThat(copy.json().get("doc_count").asLong()).isEqualTo(30);

    assertThat(http.post(P + "docs-branch/documents", "{\"deletes\":[\"d0\"]}").status())
        .isEqualTo(200);
    assertThat(http.get(P + "docs-branch/documents/d0").status()).isEqualTo(404);
    assertThat(http.get(P + "docs/documents/d0").status()).isEqualTo(200);
    assertThat(http.get(P + "docs-copy/documents/d0").status()).isEqualTo(200);

    Http.Res taken = http.post(P + "docs/branch", "{\"target\":\"docs-copy\"}");
    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.errorCode()).isEqualTo("already_exists");
    assertThat(http.post(P + "none/copy", "{\"target\":\"x\"}").status()).isEqualTo(404);
  }

  @Test
  void compactsOnRequest() {
    Http.Res r = http.post(P + "docs/compact", "{\"force\":true}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode report = r.json();
    assertThat(report.get("performed").asBoolean()).isTrue();
    assertThat(report.get("live_documents").asLong()).isEqualTo(30);
    assertThat(report.get("segment_bytes").asLong()).isPositive();
    assertThat(report.has("removed_objects")).isTrue();
    assertThat(report.get("version").asLong()).isPositive();
    assertThat(http.send("POST", P + "docs/compact", null).status()).isEqualTo(200);
    JsonNode q =
        http.post(P + "docs/query", "{\"rank_by\":[\"vector\",\"kNN\",[1,0]],\"top_k\":3}").json();
    assertThat(q.get("rows").size()).isEqualTo(3);
    assertThat(http.post(P + "none/compact", "{}").status()).isEqualTo(404);
  }

  @Test
  void warmsPinsAndUnpins() {
    assertThat(http.send("POST", P + "docs/warm", null).status()).isEqualTo(202);
    assertThat(http.post(P + "docs/warm", "{}").status()).isEqualTo(202);
    assertThat(http.put(P + "docs/pin").status()).isEqualTo(204);
    assertThat(http.get(P + "docs").json().get("pinned").asBoolean()).isTrue();
    assertThat(http.delete(P + "docs/pin").status()).isEqualTo(204);
    assertThat(http.get(P + "docs").json().get("pinned").asBoolean()).isFalse();
    assertThat(http.send("POST", P + "none/warm", null).status()).isEqualTo(404);
    assertThat(http.put(P + "none/pin").status()).isEqualTo(404);
  }

  @Test
  void repairsAProject() {
    Http.Res r = http.post("/v1/projects/acme/admin/repair", "{\"sweep\":false}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode report = r.json();
    assertThat(report.get("manifests").asInt()).isPositive();
    assertThat(report.has("tracked_objects")).isTrue();
    assertThat(report.get("swept_objects").asInt()).isZero();
    assertThat(http.send("POST", "/v1/projects/acme/admin/repair", null).status()).isEqualTo(200);
  }

  @Test
  void validatesBodiesAndNames() {
    Http.Res missing = http.post(P + "docs/branch", "{}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.errorMessage()).contains("\"target\" is missing");
    Http.Res traversal = http.post(P + "docs/branch", "{\"target\":\"../other\"}");
    assertThat(traversal.status()).isEqualTo(400);
    assertThat(traversal.errorMessage()).contains("../other");
    Http.Res self = http.post(P + "docs/copy", "{\"target\":\"docs\"}");
    assertThat(self.status()).isEqualTo(400);
    assertThat(self.errorMessage()).contains("source namespace itself");
    Http.Res force = http.post(P + "docs/compact", "{\"force\":\"yes\"}");
    assertThat(force.status()).isEqualTo(400);
    assertThat(force.errorMessage()).contains("force").contains("true or false");
    Http.Res sweep = http.post("/v1/projects/acme/admin/repair", "{\"sweep\":false,\"all\":1}");
    assertThat(sweep.status()).isEqualTo(400);
    assertThat(sweep.errorMessage()).contains("unknown field \"all\"");
    Http.Res warmBody = http.post(P + "docs/warm", "{\"now\":true}");
    assertThat(warmBody.status()).isEqualTo(400);
    assertThat(warmBody.errorMessage()).contains("takes no body");
    assertThat(http.post("/v1/projects/..%2F/admin/repair", "{}").status()).isEqualTo(400);
    assertThat(http.get("/v1/namespaces/acme/admin").json().get("namespaces").toString())
        .doesNotContain("other");
  }
}
