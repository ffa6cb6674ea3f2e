package dev.shoal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Branch, copy, compact, warm, pin and repair: HTTP layer over a fake, and the engine stub. */
class AdminEndpointsTest {
  private static final String NS = "/v1/namespaces/acme/search/docs";
  private TestServer server;

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void mapsEachOperationToTheAdminInterface() throws Exception {
    FakeAdmin admin = new FakeAdmin();
    server = TestServer.withAdmin(admin, null);
    Http http = server.http();

    Http.Res branch = http.post(NS + "/branch", "{\"target\":\"docs-b\"}");
    assertThat(branch.status()).as(branch.toString()).isEqualTo(201);
    assertThat(branch.json().get("namespace").asText()).isEqualTo("docs-b");
    assertThat(branch.json().get("parent").asText()).isEqualTo("acme/search/docs");
    assertThat(branch.json().get("doc_count").asLong()).isEqualTo(3);
    Http.Res copy = http.post(NS + "/copy", "{\"target\":\"docs-c\"}");
    assertThat(copy.status()).isEqualTo(201);
    assertThat(copy.json().get("namespace").asText()).isEqualTo("docs-c");

    Http.Res compact = http.post(NS + "/compact", "{\"force\":true}");
    assertThat(compact.status()).isEqualTo(200);
    JsonNode report = compact.json();
    assertThat(report.get("performed").asBoolean()).isTrue();
    assertThat(report.get("live_documents").asLong()).isEqualTo(3);
    assertThat(report.get("segment_bytes").asLong()).isEqualTo(4096);
    assertThat(report.get("removed_objects").asInt()).isEqualTo(2);
    assertThat(report.get("version").asLong()).isEqualTo(8);
    assertThat(http.send("POST", NS + "/compact", null).status()).isEqualTo(200);

    Http.Res warm = http.send("POST", NS + "/warm", null);
    assertThat(warm.status()).isEqualTo(202);
    assertThat(http.post(NS + "/warm", "{}").status()).isEqualTo(202);
    assertThat(http.put(NS + "/pin").status()).isEqualTo(204);
    assertThat(http.delete(NS + "/pin").status()).isEqualTo(204);

    Http.Res repair = http.post("/v1/projects/acme/search/repair", "{\"sweep\":true}");
    assertThat(repair.status()).isEqualTo(200);
    assertThat(repair.json().get("manifests").asInt()).isEqualTo(2);
    assertThat(repair.json().get("tracked_objects").asLong()).isEqualTo(10);
    assertThat(repair.json().get("swept_objects").asLong()).isEqualTo(1);
    assertThat(http.send("POST", "/v1/projects/acme/search/repair", null).status()).isEqualTo(200);

    assertThat(admin.calls)
        .containsExactly(
            "branch acme/search/docs acme/search/docs-b",
            "copy acme/search/docs acme/search/docs-c",
            "compact acme/search/docs true",
            "compact acme/search/docs false",
            "warm acme/search/docs",
            "warm acme/search/docs",
            "pin acme/search/docs",
            "unpin acme/search/docs",
            "repair acme/search true",
            "repair acme/search false");
  }

  @Test
  void validatesBodiesBeforeCallingTheAdmin() throws Exception {
    FakeAdmin admin = new FakeAdmin();
    server = TestServer.withAdmin(admin, null);
    Http http = server.http();
    Http.Res missing = http.post(NS + "/branch", "{}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.errorMessage()).contains("\"target\" is missing");
    Http.Res traversal = http.post(NS + "/branch", "{\"target\":\"../other\"}");
    assertThat(traversal.status()).isEqualTo(400);
    assertThat(traversal.errorMessage()).contains("../other");
    Http.Res self = http.post(NS + "/copy", "{\"target\":\"docs\"}");
    assertThat(self.status()).isEqualTo(400);
    assertThat(self.errorMessage()).contains("source namespace itself");
    Http.Res force = http.post(NS + "/compact", "{\"force\":\"yes\"}");
    assertThat(force.status()).isEqualTo(400);
    assertThat(force.errorMessage()).contains("force").contains("true or false");
    Http.Res sweep = http.post("/v1/projects/acme/search/repair", "{\"sweep\":false,\"all\":1}");
    assertThat(sweep.status()).isEqualTo(400);
    assertThat(sweep.errorMessage()).contains("unknown field \"all\"");
    Http.Res warmBody = http.post(NS + "/warm", "{\"now\":true}");
    assertThat(warmBody.status()).isEqualTo(400);
    assertThat(warmBody.errorMessage()).contains("takes no body");
    assertThat(http.post("/v1/projects/..%2F/search/repair", "{}").status()).isEqualTo(400);
    assertThat(admin.calls).isEmpty();
  }

  @Test
  void engineBackedAdminAnswersNotImplementedUntilTheEngineHasIt() throws Exception {
    server = TestServer.open();
    Http http = server.http();
    assertThat(http.post(NS, "{}").status()).isEqualTo(201);
    for (Http.Res r :
        new Http.Res[] {
          http.post(NS + "/branch", "{\"target\":\"b\"}"),
          http.post(NS + "/copy", "{\"target\":\"c\"}"),
          http.post(NS + "/compact", "{\"force\":true}"),
          http.send("POST", NS + "/warm", null),
          http.put(NS + "/pin"),
          http.delete(NS + "/pin"),
          http.post("/v1/projects/acme/search/repair", "{}")
        }) {
      assertThat(r.status()).as(r.toString()).isEqualTo(501);
      assertThat(r.errorCode()).isEqualTo("not_implemented");
      assertThat(r.errorMessage()).startsWith("Cannot ").contains("not support it yet");
    }
    Http.Res missing = http.post("/v1/namespaces/acme/search/none/compact", "{}");
    assertThat(missing.status()).isEqualTo(404);
    Http.Res exists = http.post(NS + "/branch", "{\"target\":\"docs2\"}");
    assertThat(exists.status()).isEqualTo(501);
    assertThat(http.post("/v1/namespaces/acme/search/docs2", "{}").status()).isEqualTo(201);
    Http.Res taken = http.post(NS + "/branch", "{\"target\":\"docs2\"}");
    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.errorCode()).isEqualTo("already_exists");
  }
}
