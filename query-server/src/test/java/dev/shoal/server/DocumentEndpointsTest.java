package dev.shoal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DocumentEndpointsTest {
  private static final String NS = "/v1/namespaces/acme/search/docs";
  private static TestServer server;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.open();
    http = server.http();
    Http.Res w =
        http.post(
            NS + "/documents",
            """
            {"upserts": [
              {"id": "a", "vector": [1, 0, 0], "sparse": {"indices": [1, 7], "values": [1.0, 2.0]},
               "text": {"title": "Kafka sinks", "body": "exactly once delivery"},
               "attrs": {"lang": "en", "year": 2024, "tags": ["x", "y"]}},
              {"id": "b", "vector": [0.9, 0.1, 0], "text": {"title": "Flink sinks"},
               "attrs": {"lang": "en", "year": 2021}},
              {"id": "c", "vector": [0, 1, 0], "text": {"title": "Gardening"},
               "attrs": {"lang": "fr", "year": 2019}},
              {"id": "d", "vector": [0, 0, 1], "attrs": {"lang": "de", "year": 2025}}
            ]}
            """);
    assertThat(w.status()).as(w.toString()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void firstWriteCreatesNamespaceWithRequestedMetric() {
    Http.Res w =
        http.post(
            "/v1/namespaces/acme/search/dots/documents",
            "{\"upserts\":[{\"id\":\"1\",\"vector\":[1,2]}],\"distance_metric\":\"dot\"}");
    assertThat(w.status()).as(w.toString()).isEqualTo(200);
    JsonNode r = w.json();
    assertThat(r.get("version").asLong()).isPositive();
    assertThat(r.get("first_seq").asLong()).isEqualTo(1);
    assertThat(r.get("last_seq").asLong()).isEqualTo(1);
    assertThat(r.get("records").asLong()).isEqualTo(1);
    assertThat(r.get("deduplicated").asBoolean()).isFalse();
    JsonNode info = http.get("/v1/namespaces/acme/search/dots").json();
    assertThat(info.get("distance_metric").asText()).isEqualTo("dot");
    assertThat(info.get("vector_dim").asInt()).isEqualTo(2);
    assertThat(info.get("doc_count").asLong()).isEqualTo(1);
  }

  @Test
  void getsDocumentAsWritten() {
    Http.Res d = http.get(NS + "/documents/a");
    assertThat(d.status()).isEqualTo(200);
    JsonNode doc = d.json();
    assertThat(doc.get("id").asText()).isEqualTo("a");
    assertThat(doc.get("vector").toString()).isEqualTo("[1.0,0.0,0.0]");
    assertThat(doc.get("sparse").get("indices").toString()).isEqualTo("[1,7]");
    assertThat(doc.get("text").get("title").asText()).isEqualTo("Kafka sinks");
    assertThat(doc.get("attrs").get("tags").toString()).isEqualTo("[\"x\",\"y\"]");
    assertThat(http.get(NS + "/documents/a?consistency=eventual").status()).isEqualTo(200);

    Http.Res missing = http.get(NS + "/documents/nope");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.errorCode()).isEqualTo("not_found");
    assertThat(missing.errorMessage()).contains("nope");
    assertThat(http.get("/v1/namespaces/acme/search/none/documents/a").status()).isEqualTo(404);
    assertThat(http.get(NS + "/documents/a?consistency=sometimes").status()).isEqualTo(400);
  }

  @Test
  void documentIdsAreDecodedPerSegment() {
    String w = "{\"upserts\":[{\"id\":\"dir/file é\",\"attrs\":{\"k\":1}}]}";
    assertThat(http.post("/v1/namespaces/acme/search/ids/documents", w).status()).isEqualTo(200);
    Http.Res d = http.get("/v1/namespaces/acme/search/ids/documents/dir%2Ffile%20%C3%A9");
    assertThat(d.status()).as(d.toString()).isEqualTo(200);
    assertThat(d.json().get("id").asText()).isEqualTo("dir/file é");
  }

  @Test
  void appliesPatchesDeletesAndDeleteByFilterAtomically() {
    String ns = "/v1/namespaces/acme/search/mutations";
    http.post(
        ns + "/documents",
        "{\"upserts\":[{\"id\":\"1\",\"attrs\":{\"lang\":\"en\",\"n\":1}},"
            + "{\"id\":\"2\",\"attrs\":{\"lang\":\"fr\"}},{\"id\":\"3\",\"attrs\":{\"lang\":\"fr\"}},"
            + "{\"id\":\"4\",\"attrs\":{\"lang\":\"de\"}}]}");
    Http.Res w =
        http.post(
            ns + "/documents",
            "{\"patches\":[{\"id\":\"1\",\"attrs\":{\"n\":null,\"year\":2025}}],"
                + "\"deletes\":[\"4\"],\"delete_by_filter\":[\"lang\",\"Eq\",\"fr\"]}");
    assertThat(w.status()).as(w.toString()).isEqualTo(200);
    assertThat(http.get(ns + "/documents/1").json().get("attrs").toString())
        .isEqualTo("{\"lang\":\"en\",\"year\":2025}");
    for (String gone : new String[] {"2", "3", "4"}) {
      assertThat(http.get(ns + "/documents/" + gone).status()).isEqualTo(404);
    }
  }

  @Test
  void conditionalWriteConflictsAndIdempotencyKeyDeduplicates() {
    String ns = "/v1/namespaces/acme/search/conditional";
    long v =
        http.post(ns + "/documents", "{\"upserts\":[{\"id\":\"1\"}]}")
            .json()
            .get("version")
            .asLong();
    Http.Res stale =
        http.post(
            ns + "/documents", "{\"upserts\":[{\"id\":\"2\"}],\"if_version\":" + (v - 1) + "}");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.errorCode()).isEqualTo("version_conflict");
    Http.Res ok =
        http.post(ns + "/documents", "{\"upserts\":[{\"id\":\"2\"}],\"if_version\":" + v + "}");
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);

    String once = "{\"upserts\":[{\"id\":\"3\"}],\"idempotency_key\":\"client-batch-42\"}";
    JsonNode first = http.post(ns + "/documents", once).json();
    JsonNode second = http.post(ns + "/documents", once).json();
    assertThat(first.get("deduplicated").asBoolean()).isFalse();
    assertThat(second.get("deduplicated").asBoolean()).isTrue();
    assertThat(second.get("version").asLong()).isEqualTo(first.get("version").asLong());
  }

  @Test
  void refusesBatchOverTheLimitWith413AndWritesNothing() {
    List<String> docs = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      docs.add("{\"id\":\"" + i + "\"}");
    }
    Http.Res r =
        http.post(
            "/v1/namespaces/acme/search/big/documents",
            "{\"upserts\":[" + String.join(",", docs) + "]}");
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorCode()).isEqualTo("too_large");
    assertThat(r.errorMessage()).contains("100");
    assertThat(http.get("/v1/namespaces/acme/search/big").status()).isEqualTo(404);
  }

  @Test
  void queriesByVectorWithFilterAndIncludes() {
    Http.Res q =
        http.post(
            NS + "/query",
            """
            {"rank_by": ["vector", "kNN", [1, 0, 0]],
             "filters": ["And", [["lang", "Eq", "en"], ["year", "Gte", 2020]]],
             "top_k": 10, "include_attributes": ["year"], "include_text": true,
             "include_vector": true, "consistency": "strong"}
            """);
    assertThat(q.status()).as(q.toString()).isEqualTo(200);
    JsonNode rows = q.json().get("rows");
    assertThat(rows.size()).isEqualTo(2);
    assertThat(rows.get(0).get("id").asText()).isEqualTo("a");
    assertThat(rows.get(1).get("id").asText()).isEqualTo("b");
    assertThat(rows.get(0).get("score").asDouble())
        .isGreaterThan(rows.get(1).get("score").asDouble());
    assertThat(rows.get(0).get("attrs").toString()).isEqualTo("{\"year\":2024}");
    assertThat(rows.get(0).get("text").get("title").asText()).isEqualTo("Kafka sinks");
    assertThat(rows.get(0).get("vector").toString()).isEqualTo("[1.0,0.0,0.0]");
    assertThat(rows.get(0).get("sparse").get("values").toString()).isEqualTo("[1.0,2.0]");
    JsonNode perf = q.json().get("performance");
    assertThat(perf.get("manifest_version").asLong()).isPositive();
    assertThat(perf.has("segments_searched")).isTrue();
    assertThat(perf.get("exhaustive_docs").asLong()).isEqualTo(4);
    assertThat(perf.get("cache").asText()).isIn("hot", "warm", "cold");
    assertThat(perf.get("server_ms").isNumber()).isTrue();

    JsonNode ann =
        http.post(NS + "/query", "{\"rank_by\":[\"vector\",\"ANN\",[0,1,0]],\"top_k\":1}").json();
    assertThat(ann.get("rows").get(0).get("id").asText()).isEqualTo("c");
    assertThat(ann.get("rows").get(0).get("attrs").get("lang").asText()).isEqualTo("fr");
    assertThat(ann.get("rows").get(0).has("vector")).isFalse();
    assertThat(ann.get("rows").get(0).has("text")).isFalse();
  }

  @Test
  void queriesByAttributeTextSparseAndWithoutRanking() {
    JsonNode byYear =
        http.post(NS + "/query", "{\"rank_by\":[\"year\",\"desc\"],\"include_attributes\":false}")
            .json();
    assertThat(ids(byYear)).containsExactly("d", "a", "b", "c");
    assertThat(byYear.get("rows").get(0).get("score").isNull()).isTrue();
    assertThat(byYear.get("rows").get(0).get("attrs").size()).isZero();

    JsonNode byId = http.post(NS + "/query", "{\"rank_by\":[\"id\",\"asc\"],\"top_k\":2}").json();
    assertThat(ids(byId)).containsExactly("a", "b");
    assertThat(ids(http.post(NS + "/query", "{}").json())).containsExactly("a", "b", "c", "d");

    JsonNode text = http.post(NS + "/query", "{\"rank_by\":[\"title\",\"BM25\",\"sinks\"]}").json();
    assertThat(ids(text)).containsExactlyInAnyOrder("a", "b");
    assertThat(text.get("rows").get(0).get("score").asDouble()).isPositive();
    JsonNode all =
        http.post(NS + "/query", "{\"rank_by\":[\"$text\",\"BM25\",\"exactly gardening\"]}").json();
    assertThat(ids(all)).containsExactlyInAnyOrder("a", "c");

    JsonNode sparse =
        http.post(
                NS + "/query",
                "{\"rank_by\":[\"sparse\",\"Dot\",{\"indices\":[7],\"values\":[1.5]}]}")
            .json();
    assertThat(ids(sparse)).containsExactly("a");
    assertThat(sparse.get("rows").get(0).get("score").asDouble()).isEqualTo(3.0);
  }

  @Test
  void fusesHybridSubQueriesWithRrf() {
    Http.Res q =
        http.post(
            NS + "/query",
            """
            {"queries": [{"rank_by": ["vector", "ANN", [0, 1, 0]], "top_k": 2},
                         {"rank_by": ["title", "BM25", "sinks"], "filters": ["lang", "Eq", "en"]}],
             "fusion": {"method": "rrf", "k": 60}, "top_k": 3}
            """);
    assertThat(q.status()).as(q.toString()).isEqualTo(200);
    JsonNode rows = q.json().get("rows");
    assertThat(rows.size()).isEqualTo(3);
    double best = rows.get(0).get("score").asDouble();
    assertThat(best).isGreaterThan(0).isLessThanOrEqualTo(2.0 / 61);

    Http.Res bad = http.post(NS + "/query", "{\"queries\":[{\"top_k\":2}]}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.errorMessage()).contains("queries[0]").contains("rank_by");
    Http.Res method =
        http.post(
            NS + "/query",
            "{\"queries\":[{\"rank_by\":[\"id\",\"asc\"]}],\"fusion\":{\"method\":\"linear\"}}");
    assertThat(method.status()).isEqualTo(400);
    assertThat(method.errorMessage()).contains("linear").contains("rrf");
    Http.Res both =
        http.post(
            NS + "/query",
            "{\"rank_by\":[\"id\",\"asc\"],\"queries\":[{\"rank_by\":[\"id\",\"asc\"]}]}");
    assertThat(both.status()).isEqualTo(400);
  }

  @Test
  void rejectsBadQueries() {
    Http.Res topK = http.post(NS + "/query", "{\"top_k\":0}");
    assertThat(topK.status()).isEqualTo(400);
    assertThat(topK.errorMessage()).contains("top_k").contains("1 to 10000");
    assertThat(http.post(NS + "/query", "{\"top_k\":10001}").status()).isEqualTo(400);
    assertThat(http.post(NS + "/query", "{\"top_k\":10000}").status()).isEqualTo(200);
    Http.Res dim = http.post(NS + "/query", "{\"rank_by\":[\"vector\",\"ANN\",[1,0]]}");
    assertThat(dim.status()).isEqualTo(400);
    assertThat(dim.errorMessage()).contains("dimensions");
    Http.Res op = http.post(NS + "/query", "{\"rank_by\":[\"vector\",\"nearest\",[1,0,0]]}");
    assertThat(op.status()).isEqualTo(400);
    assertThat(op.errorMessage()).contains("rank_by[1]").contains("nearest");
    Http.Res filter = http.post(NS + "/query", "{\"filters\":[\"lang\",\"Like\",\"en\"]}");
    assertThat(filter.status()).isEqualTo(400);
    assertThat(filter.errorMessage()).contains("Like");
    Http.Res include = http.post(NS + "/query", "{\"include_attributes\":\"all\"}");
    assertThat(include.status()).isEqualTo(400);
    assertThat(include.errorMessage()).contains("include_attributes");
    Http.Res missing = http.post("/v1/namespaces/acme/search/nothing/query", "{}");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.errorCode()).isEqualTo("not_found");
  }

  private static List<String> ids(JsonNode result) {
    List<String> out = new ArrayList<>();
    result.get("rows").forEach(r -> out.add(r.get("id").asText()));
    return out;
  }
}
