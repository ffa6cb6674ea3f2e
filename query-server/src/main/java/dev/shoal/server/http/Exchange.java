package dev.shoal.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.shoal.engine.json.DocumentJson;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.server.auth.ApiKey;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * One request as a route sees it: decoded path parameters, query parameters, the caller's key and
 * the body, read as a stream with the size limit enforced. Not thread-safe: one per request.
 */
public final class Exchange {
  private final Request request;
  private final Router.Match match;
  private final ApiKey key;
  private final long maxBodyBytes;
  private Map<String, String> query;
  private CountingInput body;

  Exchange(Request request, Router.Match match, ApiKey key, long maxBodyBytes) {
    this.request = request;
    this.match = match;
    this.key = key;
    this.maxBodyBytes = maxBodyBytes;
  }

  public Route route() {
    return match.route();
  }

  /** The caller's key, or null when the server runs without keys or the route is open. */
  public ApiKey key() {
    return key;
  }

  /** A decoded path parameter of the route's template. */
  public String param(String name) {
    String v = match.params().get(name);
    if (v == null) {
      throw new IllegalArgumentException("Route " + route().template() + " has no {" + name + "}");
    }
    return v;
  }

  /** The namespace named by {@code {org}/{project}/{ns}}, validated (the traversal defence). */
  public NamespacePath namespace() {
    return NamespacePath.of(param("org"), param("project"), param("ns"));
  }

  /**
   * A query parameter, or null. Parameters the route does not accept, repeated parameters and bad
   * encodings are 400s.
   */
  public String query(String name) {
    checkQuery();
    return query.get(name);
  }

  /** Parses the query string now, so a route that reads no parameter still rejects unknown ones. */
  void checkQuery() {
    if (query == null) {
      query = parseQuery(request.getHttpURI().getQuery(), route());
    }
  }

  static Map<String, String> parseQuery(String raw, Route route) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = Router.decode(eq < 0 ? pair : pair.substring(0, eq), true);
      String value = eq < 0 ? "" : Router.decode(pair.substring(eq + 1), true);
      if (!route.queryParams().contains(name)) {
        throw ApiException.badRequest(
            "Invalid query parameter \""
                + Router.printable(name)
                + "\": "
                + (route.queryParams().isEmpty()
                    ? "this endpoint takes none"
                    : "expected one of "
                        + String.join(", ", new java.util.TreeSet<>(route.queryParams()))));
      }
      if (out.put(name, value) != null) {
        throw ApiException.badRequest("Invalid query parameter \"" + name + "\": given twice");
      }
    }
    return out;
  }

  /** Whether the request carries a body (a {@code Content-Length} above 0, or chunked). */
  public boolean hasBody() {
    long length = request.getLength();
    return length > 0
        || (length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
  }

  /**
   * The body as a stream. It fails with a 413 {@link ApiException} (wrapped in an {@link
   * IOException}, see {@link BodyTooLargeException}) once more than the limit has arrived, and a
   * declared {@code Content-Length} over the limit is refused before reading. A body must be
   * declared {@code application/json}: browsers cannot send that cross-origin without a preflight,
   * so a web page cannot drive a key-less server on localhost.
   */
  public InputStream body() {
    if (body == null) {
      long length = request.getLength();
      if (length > maxBodyBytes) {
        throw tooLarge();
      }
      if (hasBody()) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mime.equals("application/json")) {
          throw ApiException.badRequest(
              "Cannot read the request body: Content-Type must be application/json, not "
                  + (type == null ? "missing" : "\"" + Router.printable(type) + "\""));
        }
      }
      body = new CountingInput(Content.Source.asInputStream(request));
    }
    return body;
  }

  /** A JSON parser over the body, with Shoal's limits and duplicate-field detection. */
  public JsonParser json() throws IOException {
    JsonParser p = DocumentJson.FACTORY.createParser(body());
    p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    // A query vector is hundreds of numbers: the faster exact parser pays off.
    p.enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER.mappedFeature());
    // The request's stream belongs to Jetty: closing it early would fail the connection.
    p.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    return p;
  }

  /** Bytes of body read so far. */
  long bytesRead() {
    return body == null ? 0 : body.count;
  }

  private ApiException tooLarge() {
    return ApiException.tooLarge(
        "Cannot read the request body: it is larger than the limit of "
            + maxBodyBytes
            + " bytes (--max-body-bytes)");
  }

  /**
   * Thrown from the body stream when the limit is passed. Jackson passes stream failures through
   * unchanged, so the route's error handling finds the 413 as the cause.
   */
  public static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient ApiException error;

    BodyTooLargeException(ApiException error) {
      super(error.getMessage());
      this.error = error;
    }

    public ApiException error() {
      return error;
    }
  }

  private final class CountingInput extends FilterInputStream {
    private long count;

    CountingInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        add(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        add(n);
      }
      return n;
    }

    private void add(long n) throws IOException {
      count += n;
      if (count > maxBodyBytes) {
        throw new BodyTooLargeException(tooLarge());
      }
    }
  }
}
