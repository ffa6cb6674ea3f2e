package dev.shoal.engine;

/** A request over a size limit, such as more documents in one write than the batch limit. */
public class RequestTooLargeException extends InvalidRequestException {
  private static final long serialVersionUID = 1L;

  public RequestTooLargeException(String message) {
    super(ErrorKind.TOO_LARGE, message);
  }
}
