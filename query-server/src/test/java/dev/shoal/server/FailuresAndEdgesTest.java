package dev.shoal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.engine.Engine;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.server.auth.ApiKeys;
import dev.shoal.server.http.AccessLog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Internal errors, missing namespaces, hybrid filters, hashed keys and large answers over HTTP. */
class FailuresAndEdgesTest {

  /** A store that fails every call while {@link #failing} is set, as a broken bucket would. */
  private static final class BreakableStore implements ObjectStore {
    private final InMemoryObjectStore inner = new InMemoryObjectStore();
    volatile boolean failing;

    private void check() {
      if (failing) {
        throw new IllegalStateException("injected store failure at /secret/path");
      }
    }

    @Override
    public byte[] get(String key) {
      check();
      return inner.get(key);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
      check();
      return inner.getRange(key, offset, length);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
      check();
      return inner.stat(key);
    }

    @Override
    public void put(String key, byte[] data) {
      check();
      inner.put(key, data);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
      check();
      return inner.putIfAbsent(key, data);
    }

    @Override
    public void delete(String key) {
      check();
      inner.delete(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
      check();
      return inner.list(prefix);
    }

    @Override
    public String describe() {
      return "breakable in-memory store";
    }

    @Override
    public void close() {}
  }

  @Test
  void anInternalErrorIsA500InTheJsonErrorShape() throws Exception {
    BreakableStore store = new BreakableStore();
    List<String> access = new ArrayList<>();
    ShoalServer server =
        ShoalServer.builder()
            .engine(Engine.builder().store(store).build(), true)
            .accessLog(new AccessLog(AccessLog.Format.JSON, access::add))
            .start();
    try {
      Http http = new Http(Http.newClient(), server.port(), null);
      store.failing = true;
      Http.Res r = http.post("/v1/namespaces/acme/broken/docs", "{\"distance_metric\":\"cosine\"}");
      assertThat(r.status()).as(r.toString()).isEqualTo(500);
      assertThat(r.header("Content-Type")).startsWith("application/json");
      JsonNode error = r.json().get("error");
      assertThat(error.get("code").asText()).isNotEmpty();
      assertThat(error.get("message").asText()).startsWith("Cannot ");
      assertThat(error.get("request_id").asText()).isEqualTo(r.header("X-Request-Id"));
      assertThat(r.body()).doesNotContain("injected").doesNotContain("/secret/path");
      assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");

      store.failing = false;
      assertThat(http.get("/health").status()).isEqualTo(200);
      assertThat(http.post("/v1/namespaces/acme/broken/docs", "{}").status()).isEqualTo(201);
    } finally {
      server.close();
    }
  }

  @Test
  void unpinAndBranchOfAMissingNamespaceAre404() throws Exception {
    try (TestServer server = TestServer.open()) {
      Http http = server.http();
      Http.Res unpin = http.delete("/v1/namespaces/acme/none/missing/pin");
      assertThat(unpin.status()).as(unpin.toString()).isEqualTo(404);
      assertThat(unpin.errorCode()).isEqualTo("not_found");
      Http.Res pin = http.put("/v1/namespaces/acme/none/missing/pin");
      assertThat(pin.status()).as(pin.toString()).isEqualTo(404);
      Http.Res branch = http.post("/v1/namespaces/acme/none/missing/branch", "{\"target\":\"b\"}");
      assertThat(branch.status()).as(branch.toString()).isEqualTo(404);
      assertThat(branch.errorCode()).isEqualTo("not_found");
      assertThat(http.get("/v1/namespaces/acme/none/b").status()).isEqualTo(404);
      assertThat(http.post("/v1/namespaces/acme/none/missing/copy", "{\"target\":\"c\"}").status())
          .isEqualTo(404);
      assertThat(http.post("/v1/namespaces/acme/none/missing/warm", null).status()).isEqualTo(404);
    }
  }

  @Test
  void topLevelFiltersOfAHybridQueryApplyToEverySubQuery() throws Exception {
    try (TestServer server = TestServer.open()) {
      Http http = server.http();
      String ns = "/v1/namespaces/acme/hybrid/docs";
      StringBuilder b = new StringBuilder("{\"upserts\":[");
      for (int i = 0; i < 20; i++) {
        b.append(i == 0 ? "" : ",")
            .append("{\"id\":\"d")
            .append(i)
            .append("\",\"vector\":[1,")
            .append(i)
            .append("],\"text\":{\"title\":\"river fish ")
            .append(i)
            .append("\"},\"attrs\":{\"lang\":\"")
            .append(i % 2 == 0 ? "en" : "fr")
            .append("\"}}");
      }
      assertThat(http.post(ns + "/documents", b.append("]}").toString()).status()).isEqualTo(200);
      Http.Res q =
          http.post(
              ns + "/query",
              """
              {"queries": [{"rank_by": ["vector", "kNN", [1, 1]], "top_k": 10},
                           {"rank_by": ["title", "BM25", "river fish"], "top_k": 10},
                           {"rank_by": ["id", "desc"], "top_k": 10}],
               "fusion": {"method": "rrf", "k": 60}, "top_k": 30,
               "filters": ["lang", "Eq", "en"], "include_attributes": ["lang"]}
              """);
      assertThat(q.status()).as(q.toString()).isEqualTo(200);
      JsonNode rows = q.json().get("rows");
      assertThat(rows.size()).isEqualTo(10);
      for (JsonNode row : rows) {
        assertThat(row.get("attrs").get("lang").asText()).as(row.toString()).isEqualTo("en");
      }
    }
  }

  @Test
  void aKeyGivenAsItsSha256AuthenticatesOverHttp() throws Exception {
    String secret = "hashed-http-key-0123456789";
    String hex = HexFormat.of().formatHex(ApiKeys.sha256(secret));
    ApiKeys keys =
        ApiKeys.parse(
            "{\"keys\":[{\"key_sha256\":\"" + hex + "\",\"scope\":\"acme/*\",\"role\":\"read\"}]}");
    try (TestServer server = TestServer.withKeys(keys)) {
      Http.Res ok = server.http(secret).get("/v1/namespaces/acme/search");
      assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
      assertThat(server.http(hex).get("/v1/namespaces/acme/search").status()).isEqualTo(401);
      assertThat(server.http(secret).get("/v1/namespaces/other/search").status()).isEqualTo(403);
      assertThat(
              server
                  .http(secret)
                  .post("/v1/namespaces/acme/search/docs/documents", "{\"deletes\":[\"x\"]}")
                  .status())
          .isEqualTo(403);
    }
  }

  @Test
  void aLargeAnswerParsesOverARealClient() throws Exception {
    int docs = 10_000;
    int dim = 16;
    try (TestServer server =
        new TestServer(
            dev.shoal.engine.EngineConfig.builder().maxBatchDocs(docs).build(),
            b -> b.maxBodyBytes(64L << 20))) {
      Http http = server.http();
      String ns = "/v1/namespaces/acme/large/docs";
      StringBuilder b = new StringBuilder("{\"upserts\":[");
      for (int i = 0; i < docs; i++) {
        b.append(i == 0 ? "" : ",").append("{\"id\":\"d").append(i).append("\",\"vector\":[");
        for (int d = 0; d < dim; d++) {
          b.append(d == 0 ? "" : ",").append((i * 31 + d) % 97 / 97.0);
        }
        b.append("],\"attrs\":{\"n\":").append(i).append("}}");
      }
      Http.Res w = http.post(ns + "/documents", b.append("]}").toString());
      assertThat(w.status()).as(w.toString()).isEqualTo(200);

      Http.Res q =
          http.post(
              ns + "/query",
              "{\"rank_by\":[\"vector\",\"kNN\",[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]],"
                  + "\"top_k\":10000,\"include_vector\":true}");
      assertThat(q.status()).isEqualTo(200);
      JsonNode rows = q.json().get("rows");
      assertThat(rows.size()).isEqualTo(docs);
      Set<String> ids = new HashSet<>();
      double previous = Double.POSITIVE_INFINITY;
      for (JsonNode row : rows) {
        ids.add(row.get("id").asText());
        assertThat(row.get("vector").size()).isEqualTo(dim);
        int n = row.get("attrs").get("n").asInt();
        assertThat(row.get("id").asText()).isEqualTo("d" + n);
        // Vectors are float32: the value sent comes back rounded to float.
        assertThat((float) row.get("vector").get(3).asDouble())
            .isEqualTo((float) ((n * 31 + 3) % 97 / 97.0));
        double score = row.get("score").asDouble();
        assertThat(score).isLessThanOrEqualTo(previous);
        previous = score;
      }
      assertThat(ids).hasSize(docs);
    }
  }
}
