package dev.shoal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.engine.Engine;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.server.api.QueryLimiter;
import dev.shoal.server.api.ShoalApi;
import dev.shoal.server.http.Route;
import dev.shoal.server.metrics.Metrics;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** /openapi.json describes exactly the implemented routes. */
class OpenApiTest {
  @Test
  void describesEveryRouteAndNothingElse() throws Exception {
    JsonNode spec = Http.JSON.readTree(ShoalApi.openApiDocument());
    assertThat(spec.get("openapi").asText()).startsWith("3.");
    Set<String> described = new TreeSet<>();
    JsonNode paths = spec.get("paths");
    for (Iterator<String> p = paths.fieldNames(); p.hasNext(); ) {
      String path = p.next();
      for (Iterator<String> m = paths.get(path).fieldNames(); m.hasNext(); ) {
        described.add(m.next().toUpperCase(Locale.ROOT) + " " + path);
      }
    }
    Set<String> implemented = new TreeSet<>();
    List<String> problems = new ArrayList<>();
    try (Engine engine = Engine.builder().store(new InMemoryObjectStore()).build()) {
      for (Route r : new ShoalApi(engine, new Metrics(), new QueryLimiter(1)).routes()) {
        String key = r.method() + " " + r.template();
        implemented.add(key);
        JsonNode op = paths.path(r.template()).path(r.method().toLowerCase(Locale.ROOT));
        if (op.isMissingNode()) {
          continue;
        }
        Set<String> params = new TreeSet<>();
        op.path("parameters")
            .forEach(p -> params.add(p.get("in").asText() + ":" + p.get("name").asText()));
        for (String name : r.params()) {
          if (!params.contains("path:" + name)) {
            problems.add(key + " does not describe path parameter " + name);
          }
        }
        for (String name : r.queryParams()) {
          if (!params.contains("query:" + name)) {
            problems.add(key + " does not describe query parameter " + name);
          }
        }
        if (!op.has("responses") || !op.path("responses").fieldNames().hasNext()) {
          problems.add(key + " has no responses");
        }
        boolean open = op.has("security") && op.get("security").isEmpty();
        if (open != (r.access() == dev.shoal.server.http.Access.OPEN)) {
          problems.add(key + " describes its security wrongly");
        }
      }
    }
    assertThat(described).isEqualTo(implemented);
    assertThat(problems).isEmpty();
  }

  /**
   * 413 and 429 are listed exactly on the routes that answer them: every route is called over HTTP
   * with a body over the limit, then with the query limit taken.
   */
  @Test
  void lists413And429ExactlyWhereTheServerAnswersThem() throws Exception {
    JsonNode paths = Http.JSON.readTree(ShoalApi.openApiDocument()).get("paths");
    List<String> problems = new ArrayList<>();
    try (TestServer server = new TestServer(b -> b.maxBodyBytes(1024).maxConcurrentQueries(1))) {
      Http http = server.http();
      List<Route> routes = new ShoalApi(server.engine, new Metrics(), new QueryLimiter(1)).routes();
      byte[] big = ("{" + " ".repeat(2048) + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      for (Route r : routes) {
        Http.Res res = http.send(r.method(), path(r), big, "application/json");
        check(problems, paths, r, "413", res.status() == 413, res);
      }
      var limiter = server.server.queryLimiter();
      assertThat(limiter.tryAcquire()).isTrue();
      try {
        for (Route r : routes) {
          Http.Res res = http.send(r.method(), path(r), smallBody(r));
          check(problems, paths, r, "429", res.status() == 429, res);
        }
      } finally {
        limiter.release();
      }
    }
    assertThat(problems).isEmpty();
  }

  private static void check(
      List<String> problems, JsonNode paths, Route r, String status, boolean answered, Object res) {
    boolean listed =
        paths
            .path(r.template())
            .path(r.method().toLowerCase(Locale.ROOT))
            .path("responses")
            .has(status);
    if (listed != answered) {
      problems.add(
          r.method()
              + " "
              + r.template()
              + (listed ? " lists " : " does not list ")
              + status
              + " but answered "
              + res);
    }
  }

  private static String path(Route r) {
    return r.template()
        .replace("{org}", "acme")
        .replace("{project}", "spec")
        .replace("{ns}", "docs")
        .replace("{id}", "a");
  }

  private static String smallBody(Route r) {
    String t = r.template();
    if (r.method().equals("GET") || r.method().equals("DELETE") || t.endsWith("/warm")) {
      return null;
    }
    if (t.endsWith("/documents")) {
      return "{\"upserts\":[{\"id\":\"a\",\"vector\":[1,0]}]}";
    }
    if (t.endsWith("/branch") || t.endsWith("/copy")) {
      return "{\"target\":\"t\"}";
    }
    if (r.method().equals("PATCH")) {
      return "{\"labels\":{}}";
    }
    return r.method().equals("PUT") ? null : "{}";
  }
}
