package dev.shoal.server.http;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A failure the HTTP layer answers itself (not one of the engine's {@link
 * dev.shoal.engine.ShoalException}s): it carries the status, the stable {@code error.code} and any
 * headers to send, such as {@code Retry-After}.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final transient Map<String, String> headers;

  public ApiException(int status, String code, String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = requireNonNull(code, "code is null");
    this.headers = Map.copyOf(headers);
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "invalid_request", message, Map.of());
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(
        401, "unauthorized", message, Map.of("WWW-Authenticate", "Bearer realm=\"shoal\""));
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "forbidden", message, Map.of());
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", message, Map.of());
  }

  public static ApiException methodNotAllowed(String message, String allow) {
    return new ApiException(405, "method_not_allowed", message, Map.of("Allow", allow));
  }

  public static ApiException tooLarge(String message) {
    return new ApiException(413, "too_large", message, Map.of());
  }

  public static ApiException overloaded(String message, int retryAfterSeconds) {
    return new ApiException(
        429, "overloaded", message, Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
