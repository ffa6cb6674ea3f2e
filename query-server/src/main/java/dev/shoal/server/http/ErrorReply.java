package dev.shoal.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.shoal.engine.ErrorKind;
import dev.shoal.engine.ShoalException;
import dev.shoal.engine.json.DocumentJson;
import dev.shoal.engine.json.JsonErrors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The error answer of API.md, {@code {"error":{"code":..,"message":..,"request_id":..}}}, and the
 * mapping from failures to it. Messages of expected failures are returned as they are when they
 * follow "Cannot &lt;action&gt;: &lt;reason&gt;", and otherwise get the request as their action
 * ({@link #withAction}); unexpected ones become a 500 whose message only points at the log, never a
 * stack trace.
 *
 * @param unexpected whether the failure is a bug or fault worth logging with its stack trace
 */
public record ErrorReply(
    int status, String code, String message, Map<String, String> headers, boolean unexpected) {

  /** Seconds a client is asked to wait after a 429 or 503. */
  public static final int RETRY_AFTER_SECONDS = 1;

  /**
   * The status of each engine error kind. {@code COMMIT_STATE_UNKNOWN} is a 500, not a 503: a
   * client must read the namespace (or resend with its idempotency key) rather than blindly retry,
   * which generic retry-on-503 policies would do.
   */
  public static int status(ErrorKind kind) {
    return switch (kind) {
      case INVALID_REQUEST -> 400;
      case TOO_LARGE -> 413;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, VERSION_CONFLICT, WRITER_FENCED -> 409;
      case UNAVAILABLE -> 503;
      case COMMIT_STATE_UNKNOWN, CORRUPT_OBJECT, INTERNAL -> 500;
    };
  }

  /** The answer to a failure of a route. */
  public static ErrorReply of(Throwable t, String requestId) {
    if (t instanceof Exchange.BodyTooLargeException b) {
      return of(b.error(), requestId);
    }
    if (t instanceof ApiException e) {
      return new ErrorReply(e.status(), e.code(), e.getMessage(), e.headers(), false);
    }
    if (t instanceof ShoalException e) {
      int status = status(e.kind());
      Map<String, String> headers =
          status == 503 ? Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)) : Map.of();
      return new ErrorReply(status, e.kind().code(), e.getMessage(), headers, status >= 500);
    }
    if (t instanceof JsonProcessingException e) {
      return of(JsonErrors.malformed("request body", e), requestId);
    }
    if (t instanceof IOException e) {
      // The client stopped sending, or the connection broke while reading the body.
      return new ErrorReply(
          400,
          "invalid_request",
          "Cannot read the request body: the connection broke or ended before the body was complete"
              + (e.getMessage() == null ? "" : " (" + Router.printable(e.getMessage()) + ")"),
          Map.of(),
          false);
    }
    return new ErrorReply(
        500,
        ErrorKind.INTERNAL.code(),
        "Cannot complete the request: internal error (request id " + requestId + " in the log)",
        Map.of(),
        true);
  }

  /**
   * This answer with its message in API.md's "Cannot &lt;action&gt;: &lt;reason&gt;" shape: a
   * message that names no action (such as "Invalid top_k: ...") is prefixed with the request's.
   */
  public ErrorReply withAction(String action) {
    if (message.startsWith("Cannot ")) {
      return this;
    }
    return new ErrorReply(status, code, "Cannot " + action + ": " + message, headers, unexpected);
  }

  /** The code for a status Jetty answers by itself (bad URI, headers too large, shutting down). */
  public static String codeForStatus(int status) {
    return switch (status) {
      case 400 -> "invalid_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 408 -> "timeout";
      case 413, 414, 431 -> "too_large";
      case 429 -> "overloaded";
      case 501 -> "not_implemented";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal" : "http_" + status;
    };
  }

  /** The JSON body. */
  public byte[] json(String requestId) {
    return json(code, message, requestId);
  }

  public static byte[] json(String code, String message, String requestId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128 + message.length());
    try (JsonGenerator g = DocumentJson.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("error");
      g.writeStringField("code", code);
      g.writeStringField("message", message);
      if (requestId != null) {
        g.writeStringField("request_id", requestId);
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
