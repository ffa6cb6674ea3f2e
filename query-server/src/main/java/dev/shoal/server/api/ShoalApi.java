package dev.shoal.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import dev.shoal.engine.CompactionReport;
import dev.shoal.engine.Consistency;
import dev.shoal.engine.DocumentNotFoundException;
import dev.shoal.engine.Engine;
import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.NamespaceInfo;
import dev.shoal.engine.NamespaceList;
import dev.shoal.engine.RepairReport;
import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.WriteResult;
import dev.shoal.engine.json.DocumentJson;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.query.QueryRequest;
import dev.shoal.engine.query.QueryResult;
import dev.shoal.server.http.Access;
import dev.shoal.server.http.ApiException;
import dev.shoal.server.http.Exchange;
import dev.shoal.server.http.Reply;
import dev.shoal.server.http.Route;
import dev.shoal.server.json.RequestJson;
import dev.shoal.server.json.ResponseJson;
import dev.shoal.server.metrics.Metrics;
import dev.shoal.server.metrics.PrometheusWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * The endpoints of API.md: each route's template, access and action, mapping HTTP to the {@link
 * Engine}. {@link #routes()} is the single list the router, the OpenAPI test and the auth matrix
 * test use.
 *
 * <p>Thread-safe: actions keep no state between requests.
 */
public final class ShoalApi {
  /** Namespaces per page when {@code limit} is not given. */
  public static final int DEFAULT_LIST_LIMIT = 100;

  static final String NS = "/v1/namespaces/{org}/{project}/{ns}";

  private final Engine engine;
  private final Metrics metrics;
  private final QueryLimiter queries;
  private final byte[] openApi;
  private final ServedNamespaces served;

  public ShoalApi(Engine engine, Metrics metrics, QueryLimiter queries) {
    this.engine = requireNonNull(engine, "engine is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.queries = requireNonNull(queries, "queries is null");
    this.openApi = openApiDocument();
    this.served = new ServedNamespaces(engine);
    metrics.addSource(new EngineMetrics(engine, queries));
    metrics.addSource(served);
  }

  /** The OpenAPI 3 description served at {@code /openapi.json}. */
  public static byte[] openApiDocument() {
    try (InputStream in = ShoalApi.class.getResourceAsStream("/dev/shoal/server/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<Route> routes() {
    return List.of(
        route("GET", "/health", Access.OPEN, "Liveness", x -> health()),
        route("GET", "/metrics", Access.GLOBAL, "Prometheus metrics", x -> metrics()),
        route("GET", "/openapi.json", Access.OPEN, "This API's OpenAPI description", x -> spec()),
        new Route(
            "GET",
            "/v1/namespaces/{org}/{project}",
            Access.READ,
            Set.of("prefix", "cursor", "limit"),
            "List a project's namespaces",
            this::list),
        route("POST", NS, Access.WRITE, "Create a namespace", this::create),
        route("GET", NS, Access.READ, "Describe a namespace", this::get),
        route("PATCH", NS, Access.WRITE, "Replace a namespace's labels", this::updateLabels),
        route("DELETE", NS, Access.WRITE, "Delete a namespace", this::delete),
        route("POST", NS + "/documents", Access.WRITE, "Write documents", this::write),
        new Route(
            "GET",
            NS + "/documents/{id}",
            Access.READ,
            Set.of("consistency"),
            "Get a document",
            this::document),
        route("POST", NS + "/query", Access.READ, "Query", this::query),
        route("POST", NS + "/branch", Access.WRITE, "Branch (copy-on-write)", this::branch),
        route("POST", NS + "/copy", Access.WRITE, "Copy", this::copy),
        route("POST", NS + "/compact", Access.WRITE, "Compact", this::compact),
        route("POST", NS + "/warm", Access.WRITE, "Load into the caches", this::warm),
        route("PUT", NS + "/pin", Access.WRITE, "Pin (keep warm)", this::pin),
        route("DELETE", NS + "/pin", Access.WRITE, "Unpin", this::unpin),
        route(
            "POST",
            "/v1/projects/{org}/{project}/repair",
            Access.ADMIN,
            "Repair reference counts",
            this::repair));
  }

  private static Route route(
      String method, String template, Access access, String summary, Route.Action action) {
    return new Route(method, template, access, Set.of(), summary, action);
  }

  private static Reply health() {
    return Reply.json(
        200,
        g -> {
          g.writeStartObject();
          g.writeStringField("status", "ok");
          g.writeEndObject();
        });
  }

  private Reply metrics() {
    return Reply.bytes(
        200, PrometheusWriter.CONTENT_TYPE, metrics.scrape().getBytes(StandardCharsets.UTF_8));
  }

  private Reply spec() {
    return Reply.bytes(200, Reply.JSON, openApi);
  }

  private Reply list(Exchange x) {
    String org = NamespacePath.validateComponent(x.param("org"), "organization");
    String project = NamespacePath.validateComponent(x.param("project"), "project");
    String cursor = x.query("cursor");
    if (cursor != null) {
      NamespacePath.validateComponent(cursor, "cursor");
    }
    String prefix = x.query("prefix");
    int limit = DEFAULT_LIST_LIMIT;
    String given = x.query("limit");
    if (given != null) {
      try {
        limit = Integer.parseInt(given);
      } catch (NumberFormatException e) {
        throw new InvalidRequestException(
            "Invalid limit \"" + given + "\": expected an integer from 1 to 10000");
      }
    }
    NamespaceList page =
        engine.listNamespaces(
            org, project, prefix == null || prefix.isEmpty() ? null : prefix, cursor, limit);
    return Reply.json(200, g -> ResponseJson.writeList(g, page));
  }

  private Reply create(Exchange x) throws IOException {
    NamespacePath ns = x.namespace();
    RequestJson.CreateNamespace body;
    try (JsonParser p = x.json()) {
      body = RequestJson.readCreate(p);
    }
    NamespaceInfo info =
        engine.createNamespace(ns, body.distanceMetric(), body.labels(), body.textAnalyzer());
    return info(201, info);
  }

  private Reply get(Exchange x) {
    NamespacePath ns = x.namespace();
    NamespaceInfo info = engine.getNamespace(ns);
    served.touched(ns);
    return info(200, info);
  }

  private Reply updateLabels(Exchange x) throws IOException {
    NamespacePath ns = x.namespace();
    java.util.Map<String, String> labels;
    try (JsonParser p = x.json()) {
      labels = RequestJson.readLabels(p);
    }
    return info(200, engine.updateLabels(ns, labels));
  }

  private Reply delete(Exchange x) {
    NamespacePath ns = x.namespace();
    engine.deleteNamespace(ns);
    served.deleted(ns);
    return Reply.empty(204);
  }

  private Reply write(Exchange x) throws IOException {
    NamespacePath ns = x.namespace();
    WriteRequest request;
    try (JsonParser p = x.json()) {
      request = RequestJson.readWrite(p, engine.config().maxBatchDocs());
    }
    WriteResult result = engine.write(ns, request);
    served.touched(ns);
    return Reply.json(200, g -> ResponseJson.writeRecord(g, result));
  }

  private Reply document(Exchange x) {
    NamespacePath ns = x.namespace();
    String id = x.param("id");
    String c = x.query("consistency");
    Consistency consistency = c == null ? Consistency.STRONG : Consistency.parse(c);
    Document d =
        engine
            .getDocument(ns, id, consistency)
            .orElseThrow(() -> new DocumentNotFoundException(ns.toString(), id));
    return Reply.json(200, g -> DocumentJson.write(g, d));
  }

  private Reply query(Exchange x) throws IOException {
    NamespacePath ns = x.namespace();
    QueryRequest request;
    try (JsonParser p = x.json()) {
      request = RequestJson.readQuery(p);
    }
    if (!queries.tryAcquire()) {
      metrics.queryRejected();
      throw ApiException.overloaded(
          "Cannot run the query: "
              + queries.max()
              + " queries are running, the most this server runs at once; retry shortly",
          1);
    }
    QueryResult result;
    try {
      result = engine.query(ns, request);
    } finally {
      queries.release();
    }
    served.touched(ns);
    return Reply.json(200, g -> ResponseJson.writeQueryResult(g, result));
  }

  private Reply branch(Exchange x) throws IOException {
    NamespacePath source = x.namespace();
    NamespacePath target = target(x, source);
    return info(201, engine.branch(source, target));
  }

  private Reply copy(Exchange x) throws IOException {
    NamespacePath source = x.namespace();
    NamespacePath target = target(x, source);
    return info(201, engine.copy(source, target));
  }

  private static NamespacePath target(Exchange x, NamespacePath source) throws IOException {
    try (JsonParser p = x.json()) {
      String target = RequestJson.readTarget(p);
      NamespacePath t = source.sibling(target);
      if (t.equals(source)) {
        throw new InvalidRequestException(
            "Invalid target \"" + target + "\": it is the source namespace itself");
      }
      return t;
    }
  }

  private Reply compact(Exchange x) throws IOException {
    NamespacePath ns = x.namespace();
    boolean force;
    try (JsonParser p = x.json()) {
      force = RequestJson.readFlag(p, "force");
    }
    CompactionReport report = engine.compact(ns, force);
    served.touched(ns);
    return Reply.json(200, g -> ResponseJson.writeRecord(g, report));
  }

  private Reply warm(Exchange x) throws IOException {
    NamespacePath ns = x.namespace();
    noBody(x);
    // Loading runs in the engine's background; its failures are the engine's to log.
    engine.warm(ns);
    return Reply.empty(202);
  }

  private Reply pin(Exchange x) throws IOException {
    NamespacePath ns = x.namespace();
    noBody(x);
    engine.pin(ns);
    return Reply.empty(204);
  }

  private Reply unpin(Exchange x) throws IOException {
    NamespacePath ns = x.namespace();
    noBody(x);
    // The engine's unpin is a no-op for a missing namespace; the API answers 404 as pin does.
    if (!engine.namespaceExists(ns)) {
      throw new dev.shoal.engine.NamespaceNotFoundException(ns.toString());
    }
    engine.unpin(ns);
    return Reply.empty(204);
  }

  private Reply repair(Exchange x) throws IOException {
    String org = NamespacePath.validateComponent(x.param("org"), "organization");
    String project = NamespacePath.validateComponent(x.param("project"), "project");
    boolean sweep;
    try (JsonParser p = x.json()) {
      sweep = RequestJson.readFlag(p, "sweep");
    }
    RepairReport report = engine.repair(org, project, sweep);
    return Reply.json(200, g -> ResponseJson.writeRecord(g, report));
  }

  /** Endpoints without a body accept none, or {@code {}}. */
  private static void noBody(Exchange x) throws IOException {
    if (!x.hasBody()) {
      return;
    }
    try (JsonParser p = x.json()) {
      RequestJson.readEmpty(p);
    }
  }

  private static Reply info(int status, NamespaceInfo info) {
    return Reply.json(status, g -> ResponseJson.writeRecord(g, info));
  }
}
