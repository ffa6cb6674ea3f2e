package dev.shoal.engine;

/**
 * The manifest create failed and reading it back failed too, so the write may or may not be
 * committed. Do not blindly retry a non-idempotent write: read the namespace (or retry with the
 * same idempotency key or writer position, which deduplicates) once storage is reachable.
 */
public class CommitStateUnknownException extends ShoalException {
  private static final long serialVersionUID = 1L;

  public CommitStateUnknownException(String message, Throwable cause) {
    super(ErrorKind.COMMIT_STATE_UNKNOWN, message, cause);
  }

  @Override
  public boolean isRetriable() {
    return false;
  }
}
