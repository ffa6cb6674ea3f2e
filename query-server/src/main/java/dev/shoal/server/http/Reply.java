package dev.shoal.server.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.shoal.engine.json.DocumentJson;
import java.io.IOException;
import java.io.OutputStream;

/**
 * What a route answers: a status and, unless empty, a body written to the response stream. JSON
 * bodies are generated straight into the response (see {@link ResponseOutput}): small ones get a
 * {@code Content-Length}, large ones (a query with {@code top_k} 10,000 and vectors) stream.
 */
public final class Reply {
  public static final String JSON = "application/json";

  /** Writes a JSON body. */
  @FunctionalInterface
  public interface JsonBody {
    void write(JsonGenerator g) throws IOException;
  }

  /** Writes a body of any type. */
  @FunctionalInterface
  public interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  private final int status;
  private final String contentType;
  private final Body body;

  private Reply(int status, String contentType, Body body) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
  }

  public static Reply json(int status, JsonBody json) {
    return new Reply(
        status,
        JSON,
        out -> {
          try (JsonGenerator g = DocumentJson.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            // Scores and vectors are most of a query answer: the faster exact writer pays off.
            g.enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER.mappedFeature());
            json.write(g);
          }
        });
  }

  public static Reply empty(int status) {
    return new Reply(status, null, null);
  }

  public static Reply bytes(int status, String contentType, byte[] bytes) {
    return new Reply(status, contentType, out -> out.write(bytes));
  }

  public int status() {
    return status;
  }

  /** The content type, or null when there is no body. */
  public String contentType() {
    return contentType;
  }

  /** The body, or null. */
  public Body body() {
    return body;
  }
}
