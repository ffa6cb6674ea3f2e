package dev.shoal.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small JDK HttpClient wrapper for the tests: one base URL, an optional key, JSON answers. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final String base;
  private final String key;

  Http(int port, String key) {
    this.base = "http://127.0.0.1:" + port;
    this.key = key;
  }

  Http withKey(String otherKey) {
    return new Http(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), otherKey);
  }

  /** An answer: status, headers and body (as text and, when it parses, as JSON). */
  record Res(int status, java.net.http.HttpHeaders headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }

    String errorCode() {
      return json().path("error").path("code").asText(null);
    }

    String errorMessage() {
      return json().path("error").path("message").asText(null);
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  Res get(String path) {
    return send("GET", path, null);
  }

  Res delete(String path) {
    return send("DELETE", path, null);
  }

  Res post(String path, String json) {
    return send("POST", path, json);
  }

  Res put(String path) {
    return send("PUT", path, null);
  }

  Res patch(String path, String json) {
    return send("PATCH", path, json);
  }

  Res send(String method, String path, String json) {
    return send(
        method,
        path,
        json == null ? null : json.getBytes(StandardCharsets.UTF_8),
        json == null ? null : "application/json");
  }

  Res send(String method, String path, byte[] body, String contentType) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    return send(b.build());
  }

  static Res send(HttpRequest request) {
    try {
      HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      return new Res(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpClient client() {
    return CLIENT;
  }

  String base() {
    return base;
  }
}
