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
  private final HttpClient client;
  private final String base;
  private final String key;

  /**
   * @param client one per server: a client's pooled connections to a stopped server must not be
   *     reused when a later server gets the same port
   */
  Http(HttpClient client, int port, String key) {
    this.client = client;
    this.base = "http://127.0.0.1:" + port;
    this.key = key;
  }

  static HttpClient newClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
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

    /** The error's code, once the answer is checked to be in API.md's error shape. */
    String errorCode() {
      checkErrorShape();
      return json().path("error").path("code").asText(null);
    }

    String errorMessage() {
      checkErrorShape();
      return json().path("error").path("message").asText(null);
    }

    private void checkErrorShape() {
      String message = json().path("error").path("message").asText("");
      if (!message.startsWith("Cannot ") || !message.contains(": ")) {
        throw new AssertionError("error message not in the shape \"Cannot ...: ...\": " + this);
      }
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
    return send(client, b.build());
  }

  static Res send(HttpClient client, HttpRequest request) {
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Res(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpClient client() {
    return client;
  }

  String base() {
    return base;
  }
}
