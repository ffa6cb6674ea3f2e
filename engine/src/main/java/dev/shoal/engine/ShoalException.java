package dev.shoal.engine;

import static java.util.Objects.requireNonNull;

/**
 * Base of every exception the engine throws on purpose. Messages follow "Cannot &lt;action&gt;:
 * &lt;reason&gt;" and name the namespace, key or record involved.
 */
public class ShoalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorKind kind;

  public ShoalException(ErrorKind kind, String message) {
    this(kind, message, null);
  }

  public ShoalException(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = requireNonNull(kind, "kind is null");
  }

  public ErrorKind kind() {
    return kind;
  }

  /** Whether the same call may succeed if retried later. */
  public boolean isRetriable() {
    return kind == ErrorKind.UNAVAILABLE;
  }
}
