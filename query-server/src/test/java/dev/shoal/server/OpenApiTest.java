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
}
