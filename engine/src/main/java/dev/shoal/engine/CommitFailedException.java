package dev.shoal.engine;

/**
 * A commit definitely did not happen (for example, it lost the race for the next manifest version
 * too many times, or a storage call failed before the manifest was created). Nothing is visible;
 * retrying the write is safe.
 */
public class CommitFailedException extends ShoalException {
  private static final long serialVersionUID = 1L;

  public CommitFailedException(String message, Throwable cause) {
    super(ErrorKind.UNAVAILABLE, message, cause);
  }
}
