package dev.shoal.examples.quickstart;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client over the JDK's HTTP client, for the Shoal and Connect REST APIs. */
final class JsonHttp {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** {@code GET}, expecting {@code status}; the parsed body. */
  JsonNode get(URI uri, int status) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri).GET(), "GET " + uri, status);
  }

  /** {@code POST} of {@code body} as JSON, expecting {@code status}; the parsed answer. */
  JsonNode post(URI uri, Object body, int status) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(toJson(body))),
        "POST " + uri,
        status);
  }

  static String toJson(Object body) {
    if (body instanceof String s) {
      return s;
    }
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot write JSON: " + e.getMessage(), e);
    }
  }

  private JsonNode send(HttpRequest.Builder request, String what, int status)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        client.send(
            request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != status) {
      throw new IOException(
          "Cannot " + what + ": answer " + response.statusCode() + " " + response.body());
    }
    String body = response.body();
    return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
  }
}
