package dev.shoal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many clients writing and querying the same namespaces for a bounded time: no 5xx, and every
 * acknowledged write is there afterwards.
 */
class ConcurrentSmokeTest {
  private static final long RUN_MILLIS = 4_000;
  private static final String[] NAMESPACES = {"shared-1", "shared-2"};

  @Test
  void manyWritersAndReadersLoseNothingAndNeverFail() throws Exception {
    try (TestServer server = TestServer.open()) {
      Http http = server.http();
      Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
      for (String ns : NAMESPACES) {
        acknowledged.put(ns, ConcurrentHashMap.newKeySet());
      }
      List<String> failures = new ArrayList<>();
      AtomicInteger requests = new AtomicInteger();
      long deadline = System.currentTimeMillis() + RUN_MILLIS;
      ExecutorService pool = Executors.newFixedThreadPool(16);
      List<Future<?>> tasks = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        int writer = w;
        tasks.add(
            pool.submit(
                () -> {
                  int batch = 0;
                  while (System.currentTimeMillis() < deadline) {
                    String ns = NAMESPACES[(writer + batch) % NAMESPACES.length];
                    List<String> ids = new ArrayList<>();
                    StringBuilder body = new StringBuilder("{\"upserts\":[");
                    for (int i = 0; i < 5; i++) {
                      String id = "w" + writer + "-" + batch + "-" + i;
                      ids.add(id);
                      body.append(i == 0 ? "" : ",")
                          .append("{\"id\":\"")
                          .append(id)
                          .append("\",\"vector\":[")
                          .append(ThreadLocalRandom.current().nextFloat())
                          .append(",1],\"attrs\":{\"writer\":")
                          .append(writer)
                          .append("}}");
                    }
                    body.append("]}");
                    Http.Res r =
                        http.post(
                            "/v1/namespaces/acme/smoke/" + ns + "/documents", body.toString());
                    requests.incrementAndGet();
                    if (r.status() == 200) {
                      acknowledged.get(ns).addAll(ids);
                    } else {
                      synchronized (failures) {
                        failures.add("write " + r);
                      }
                    }
                    batch++;
                  }
                  return null;
                }));
      }
      for (int q = 0; q < 8; q++) {
        int reader = q;
        tasks.add(
            pool.submit(
                () -> {
                  int n = 0;
                  while (System.currentTimeMillis() < deadline) {
                    String ns = NAMESPACES[(reader + n) % NAMESPACES.length];
                    Http.Res r =
                        switch (n % 3) {
                          case 0 ->
                              http.post(
                                  "/v1/namespaces/acme/smoke/" + ns + "/query",
                                  "{\"rank_by\":[\"vector\",\"ANN\",[0.5,1]],\"top_k\":5,"
                                      + "\"filters\":[\"writer\",\"Lt\",4]}");
                          case 1 -> http.get("/v1/namespaces/acme/smoke/" + ns);
                          default -> http.get("/v1/namespaces/acme/smoke?limit=10");
                        };
                    requests.incrementAndGet();
                    // Before the namespace's first write commits, 404 is the right answer.
                    if (r.status() != 200 && r.status() != 404) {
                      synchronized (failures) {
                        failures.add("read " + r);
                      }
                    }
                    n++;
                  }
                  return null;
                }));
      }
      for (Future<?> f : tasks) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(failures).isEmpty();
      assertThat(requests.get()).isGreaterThan(100);

      for (String ns : NAMESPACES) {
        Set<String> ids = acknowledged.get(ns);
        assertThat(ids).isNotEmpty();
        long count = http.get("/v1/namespaces/acme/smoke/" + ns).json().get("doc_count").asLong();
        assertThat(count).as(ns).isEqualTo(ids.size());
        // Page through by id, so a namespace with more documents than one answer holds is
        // still checked in full.
        Set<String> found = ConcurrentHashMap.newKeySet();
        String after = null;
        while (true) {
          String filter = after == null ? "" : ",\"filters\":[\"id\",\"Gt\",\"" + after + "\"]";
          Http.Res page =
              http.post(
                  "/v1/namespaces/acme/smoke/" + ns + "/query",
                  "{\"rank_by\":[\"id\",\"asc\"],\"top_k\":1000,\"include_attributes\":false"
                      + filter
                      + "}");
          assertThat(page.status()).as(page.toString()).isEqualTo(200);
          JsonNode rows = page.json().get("rows");
          rows.forEach(r -> found.add(r.get("id").asText()));
          if (rows.size() < 1000) {
            break;
          }
          after = rows.get(rows.size() - 1).get("id").asText();
        }
        assertThat(found).as(ns).isEqualTo(ids);
      }
    }
  }
}
