package dev.shoal.server.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Renders the errors Jetty answers before a route runs (unparseable requests, headers too large,
 * requests refused while shutting down) in the JSON error shape: never HTML, never a stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {
  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback)
      throws IOException {
    // Jetty answers before ApiHandler runs, so the request id is given here.
    String requestId = ApiHandler.requestId(request);
    byte[] body = body(code, message, requestId);
    response.getHeaders().put(ApiHandler.REQUEST_ID_HEADER, requestId);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Reply.JSON);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private static byte[] body(int status, String message, String requestId) {
    String reason = message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
    return ErrorReply.json(
        ErrorReply.codeForStatus(status),
        "Cannot handle the request: " + reason + hint(status),
        requestId);
  }

  private static String hint(int status) {
    return switch (status) {
      case 400 -> " (check the request line, its percent-escapes and the headers)";
      case 413, 431 -> " (the request headers are larger than 16 KiB)";
      case 414 -> " (the URI is longer than the server accepts)";
      default -> "";
    };
  }
}
