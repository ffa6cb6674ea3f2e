package dev.shoal.engine;

/** Bad input: a malformed document, a rule violated, a value out of range. Nothing was written. */
public class InvalidRequestException extends ShoalException {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(ErrorKind.INVALID_REQUEST, message);
  }

  public InvalidRequestException(String message, Throwable cause) {
    super(ErrorKind.INVALID_REQUEST, message, cause);
  }

  protected InvalidRequestException(ErrorKind kind, String message) {
    super(kind, message);
  }
}
