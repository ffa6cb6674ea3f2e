package dev.shoal.server.http;

import static java.util.Objects.requireNonNull;

import dev.shoal.server.auth.ApiKey;
import dev.shoal.server.auth.ApiKeys;
import dev.shoal.server.metrics.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request goes through here, in this order: request id (the client's {@code X-Request-Id} if
 * it is sane, else a new one; echoed), route match (404, 405), authentication (401), authorization
 * by scope and role (403), the route's action, then the reply or the JSON error, the metrics and
 * the access log line.
 *
 * <p>Runs on Jetty's request threads and blocks on them (body reads, engine calls, response
 * writes). Thread-safe: it holds no per-request state.
 */
public final class ApiHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  public static final String REQUEST_ID_HEADER = "X-Request-Id";
  private static final long DISCARD_LIMIT = 8L << 20;

  private final Router router;
  private final ApiKeys keys;
  private final Metrics metrics;
  private final AccessLog accessLog;
  private final long maxBodyBytes;
  private final Object idle = new Object();
  private int inFlight; // guarded by idle
  private volatile boolean draining;

  /**
   * @param keys the configured keys, or null to allow every request (loopback only, see {@link
   *     dev.shoal.server.ShoalServer})
   */
  public ApiHandler(
      Router router, ApiKeys keys, Metrics metrics, AccessLog accessLog, long maxBodyBytes) {
    super(InvocationType.BLOCKING);
    this.router = requireNonNull(router, "router is null");
    this.keys = keys;
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.accessLog = requireNonNull(accessLog, "accessLog is null");
    this.maxBodyBytes = maxBodyBytes;
    metrics.addSource(
        w -> w.gauge("shoal_http_requests_in_flight", "Requests being handled now.", inFlight()));
  }

  /** Requests being handled now. */
  public int inFlight() {
    synchronized (idle) {
      return inFlight;
    }
  }

  /**
   * Refuses new requests from now on (503, {@code Connection: close}) and waits until the requests
   * in flight have answered or the timeout passed.
   *
   * @return whether every request in flight finished
   */
  public boolean drain(Duration timeout) throws InterruptedException {
    draining = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (inFlight > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
    }
    return true;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    synchronized (idle) {
      inFlight++;
    }
    try {
      return handleCounted(request, response, callback);
    } finally {
      synchronized (idle) {
        if (--inFlight == 0) {
          idle.notifyAll();
        }
      }
    }
  }

  private boolean handleCounted(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    String requestId = requestId(request);
    response.getHeaders().put(REQUEST_ID_HEADER, requestId);
    String method = request.getMethod();
    String path = request.getHttpURI().getPath();
    String route = "unmatched";
    ApiKey key = null;
    Exchange exchange = null;
    ResponseOutput out = new ResponseOutput(response);
    int status;
    String error = null;
    long bytesOut;
    Throwable failure = null;
    try {
      if (draining) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        throw new ApiException(
            503,
            "unavailable",
            "Cannot handle the request: the server is stopping",
            Map.of("Retry-After", Integer.toString(ErrorReply.RETRY_AFTER_SECONDS)));
      }
      Router.Match match = router.match(method, path == null ? "" : path);
      route = match.route().template();
      key = authenticate(request, match.route());
      exchange = new Exchange(request, match, key, maxBodyBytes);
      authorize(exchange);
      exchange.checkQuery();
      Reply reply = match.route().action().handle(exchange);
      status = reply.status();
      send(response, out, reply);
      bytesOut = out.written();
    } catch (Throwable t) {
      if (out.committed()) {
        // Part of the body is out: the status cannot change, so the connection is aborted.
        LOG.warn("Request {} {} {} failed while streaming its answer", requestId, method, path, t);
        failure = t;
        status = response.getStatus();
        bytesOut = out.written();
      } else {
        ErrorReply e =
            ErrorReply.of(t, requestId)
                .withAction(method + " " + Router.printable(path == null ? "" : path));
        if (e.unexpected()) {
          LOG.error("Request {} {} {} failed", requestId, method, path, t);
        }
        status = e.status();
        error = e.code();
        byte[] body = e.json(requestId);
        bytesOut = body.length;
        try {
          sendError(response, e, body);
          discardUnreadBody(request);
        } catch (Throwable w) {
          failure = w;
        }
      }
    }
    long nanos = System.nanoTime() - start;
    metrics.requestFinished(method, route, status, nanos);
    if (accessLog.enabled()) {
      accessLog.log(
          new AccessLog.Entry(
              Instant.now(),
              requestId,
              Request.getRemoteAddr(request),
              method,
              path,
              route,
              status,
              nanos / 1e6,
              exchange == null ? 0 : exchange.bytesRead(),
              bytesOut,
              key == null ? null : key.name(),
              error));
    }
    if (failure == null) {
      callback.succeeded();
    } else {
      callback.failed(failure);
    }
    return true;
  }

  /**
   * Reads and drops what is left of a request body after an error answer (401, 413, 400 ...), up to
   * {@link #DISCARD_LIMIT}. Closing a connection with unread bytes makes the kernel reset it, and
   * the client may then lose the answer it was sent; a body too large to discard is left to Jetty,
   * which closes the connection.
   */
  private static void discardUnreadBody(Request request) {
    long length = request.getLength();
    if (length == 0 || length > DISCARD_LIMIT) {
      return;
    }
    InputStream in = Content.Source.asInputStream(request);
    byte[] scratch = new byte[16 << 10];
    long total = 0;
    try {
      for (int n; total <= DISCARD_LIMIT && (n = in.read(scratch)) >= 0; ) {
        total += n;
      }
    } catch (IOException e) {
      // The client went away: nothing left to protect.
    }
  }

  /** The client's {@code X-Request-Id} if it is sane, else a new one. */
  static String requestId(Request request) {
    String given = request.getHeaders().get(REQUEST_ID_HEADER);
    if (given != null && REQUEST_ID.matcher(given).matches()) {
      return given;
    }
    // 16 hex digits, zero-padded; String.format costs more than the rest of this method.
    String hex = Long.toHexString(ThreadLocalRandom.current().nextLong());
    return hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
  }

  private ApiKey authenticate(Request request, Route route) {
    if (keys == null || route.access() == Access.OPEN) {
      return null;
    }
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      throw ApiException.unauthorized(
          "Cannot authenticate: no API key; send the header Authorization: Bearer <key>");
    }
    if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw ApiException.unauthorized(
          "Cannot authenticate: the Authorization header must be Bearer <key>");
    }
    return keys.authenticate(header.substring(7).trim())
        .orElseThrow(() -> ApiException.unauthorized("Cannot authenticate: unknown API key"));
  }

  private static void authorize(Exchange exchange) {
    ApiKey key = exchange.key();
    Route route = exchange.route();
    if (key == null) {
      return;
    }
    String action = route.method() + " " + route.template();
    if (route.access() == Access.GLOBAL) {
      if (!key.scope().isAll()) {
        throw ApiException.forbidden(
            "Cannot "
                + action
                + ": key \""
                + key.name()
                + "\" has scope "
                + key.scope()
                + "; this endpoint needs scope *");
      }
      return;
    }
    String org = exchange.param("org");
    String project = exchange.param("project");
    if (!key.scope().covers(org, project)) {
      throw ApiException.forbidden(
          "Cannot "
              + action
              + ": key \""
              + key.name()
              + "\" has scope "
              + key.scope()
              + ", which does not cover "
              + Router.printable(org)
              + "/"
              + Router.printable(project));
    }
    if (!key.role().includes(route.access().role())) {
      throw ApiException.forbidden(
          "Cannot "
              + action
              + ": key \""
              + key.name()
              + "\" has role "
              + key.role().jsonName()
              + "; this endpoint needs "
              + route.access().role().jsonName());
    }
  }

  private static void send(Response response, ResponseOutput out, Reply reply) throws Exception {
    response.setStatus(reply.status());
    if (reply.body() == null) {
      Content.Sink.write(response, true, ByteBuffer.allocate(0));
      return;
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
    reply.body().writeTo(out);
    out.close();
  }

  private static void sendError(Response response, ErrorReply e, byte[] body) throws Exception {
    response.setStatus(e.status());
    for (Map.Entry<String, String> h : e.headers().entrySet()) {
      response.getHeaders().put(h.getKey(), h.getValue());
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Reply.JSON);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    Content.Sink.write(response, true, ByteBuffer.wrap(body));
  }
}
