package dev.shoal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.Engine;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.server.api.QueryLimiter;
import dev.shoal.server.api.ShoalApi;
import dev.shoal.server.auth.ApiKeys;
import dev.shoal.server.auth.Role;
import dev.shoal.server.auth.Scope;
import dev.shoal.server.http.Access;
import dev.shoal.server.http.Route;
import dev.shoal.server.metrics.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every route × every role × scopes that do and do not cover the route's project. */
class AuthMatrixTest {
  private static final String[] SCOPES = {"*", "acme/*", "acme/search", "acme/other", "other/*"};
  private static TestServer server;
  private static List<Route> routes;
  private static final AtomicInteger TARGETS = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    StringBuilder file = new StringBuilder("{\"keys\":[");
    for (Role role : Role.values()) {
      for (String scope : SCOPES) {
        if (file.charAt(file.length() - 1) != '[') {
          file.append(',');
        }
        file.append("{\"key\":\"")
            .append(key(role, scope))
            .append("\",\"scope\":\"")
            .append(scope)
            .append("\",\"role\":\"")
            .append(role.jsonName())
            .append("\"}");
      }
    }
    file.append("]}");
    server = TestServer.withKeys(ApiKeys.parse(file.toString()));
    try (Engine scratch = Engine.builder().store(new InMemoryObjectStore()).build()) {
      routes = new ShoalApi(scratch, new Metrics(), new QueryLimiter(1)).routes();
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String key(Role role, String scope) {
    return "key-"
        + role.jsonName()
        + "-"
        + scope.replace('*', 'A').replace('/', '_')
        + "-0123456789";
  }

  @Test
  void everyRoleInAndOutOfScopeOnEveryRoute() {
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    for (Route route : routes) {
      for (Role role : Role.values()) {
        for (String scope : SCOPES) {
          boolean allowed = allowed(route, role, Scope.parse(scope));
          Http.Res r = call(server.http(key(role, scope)), route);
          boolean denied = r.status() == 403;
          checked++;
          // Allowed: the route ran and did not fail (a 404 or 409 for this cell's data is fine).
          // Denied: exactly 403, since every key here is valid.
          boolean ok =
              allowed ? r.status() < 500 && r.status() != 401 && r.status() != 403 : denied;
          if (!ok) {
            mismatches.add(
                route.method() + " " + route.template() + " as " + role + " " + scope + ": " + r);
          }
          if (denied) {
            assertThat(r.errorCode()).isEqualTo("forbidden");
            assertThat(r.errorMessage()).startsWith("Cannot ").contains("key \"key-");
            assertThat(r.body()).doesNotContain(key(role, scope));
          }
        }
      }
    }
    assertThat(mismatches).isEmpty();
    assertThat(checked).isEqualTo(routes.size() * 15);
  }

  /** API.md: read < write < admin, scopes *, org/*, org/project; /metrics needs scope *. */
  private static boolean allowed(Route route, Role role, Scope scope) {
    String template = route.template();
    if (template.equals("/health") || template.equals("/openapi.json")) {
      return true;
    }
    if (template.equals("/metrics")) {
      return scope.isAll();
    }
    Role needed;
    if (template.endsWith("/repair")) {
      needed = Role.ADMIN;
    } else if (route.method().equals("GET") || template.endsWith("/query")) {
      needed = Role.READ;
    } else {
      needed = Role.WRITE;
    }
    assertThat(route.access().role()).as(route.toString()).isEqualTo(needed);
    return scope.covers("acme", "search") && role.includes(needed);
  }

  @Test
  void requestsWithoutAValidKeyAre401ExceptOpenRoutes() {
    for (Route route : routes) {
      for (Http http : List.of(server.http(), server.http("not-a-configured-key-at-all"))) {
        Http.Res r = call(http, route);
        if (route.access() == Access.OPEN) {
          assertThat(r.status()).as(route.template()).isEqualTo(200);
        } else {
          assertThat(r.status()).as(route.method() + " " + route.template()).isEqualTo(401);
          assertThat(r.errorCode()).isEqualTo("unauthorized");
          assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
        }
      }
    }
    Http.Res basic =
        Http.send(
            server.client,
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(server.http().base() + "/v1/namespaces/acme/search"))
                .header("Authorization", "Basic dXNlcjpwYXNz")
                .build());
    assertThat(basic.status()).isEqualTo(401);
    assertThat(basic.errorMessage()).contains("Bearer");
  }

  @Test
  void accessLogNamesTheKeyButNeverItsSecret() throws Exception {
    String secret = key(Role.READ, "*");
    Http.Res r = server.http(secret).get("/v1/namespaces/acme/search");
    assertThat(server.accessLine(r.header("X-Request-Id"))).contains("\"key\":\"key-");
    assertThat(server.accessLines).noneMatch(l -> l.contains(secret));
  }

  private static Http.Res call(Http http, Route route) {
    String path =
        route
            .template()
            .replace("{org}", "acme")
            .replace("{project}", "search")
            .replace("{ns}", "docs")
            .replace("{id}", "a");
    String body = null;
    if (route.method().equals("POST") || route.method().equals("PATCH")) {
      String t = route.template();
      if (t.endsWith("/documents")) {
        body = "{\"upserts\":[{\"id\":\"a\",\"vector\":[1,0]}]}";
      } else if (t.endsWith("/branch") || t.endsWith("/copy")) {
        body = "{\"target\":\"t" + TARGETS.incrementAndGet() + "\"}";
      } else if (route.method().equals("PATCH")) {
        body = "{\"labels\":{}}";
      } else if (!t.endsWith("/warm")) {
        body = "{}";
      }
    }
    return http.send(route.method(), path, body);
  }
}
