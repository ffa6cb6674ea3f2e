package dev.shoal.engine;

/**
 * A conditional write expected one manifest version and found another. Nothing was written; read
 * the namespace again and decide whether to retry.
 */
public class VersionConflictException extends ShoalException {
  private static final long serialVersionUID = 1L;

  private final long expected;
  private final long actual;

  public VersionConflictException(String namespace, long expected, long actual) {
    super(
        ErrorKind.VERSION_CONFLICT,
        "Cannot write to "
            + namespace
            + ": expected manifest version "
            + expected
            + ", found "
            + actual);
    this.expected = expected;
    this.actual = actual;
  }

  public long expected() {
    return expected;
  }

  public long actual() {
    return actual;
  }
}
