package dev.shoal.engine;

/**
 * A commit definitely did not happen (for example, it lost the race for the next manifest version
 * too many times, or a storage call failed before the manifest was created). Nothing is visible;
 * retrying the write is safe, and {@link #isRetriable()} says whether the same call may succeed.
 */
public class CommitFailedException extends ShoalException {
  private static final long serialVersionUID = 1L;

  private final boolean retriable;

  public CommitFailedException(String message, Throwable cause) {
    this(message, cause, true);
  }

  /**
   * @param retriable false when the same call cannot succeed later (the message says what to do
   *     instead)
   */
  public CommitFailedException(String message, Throwable cause, boolean retriable) {
    super(ErrorKind.UNAVAILABLE, message, cause);
    this.retriable = retriable;
  }

  @Override
  public boolean isRetriable() {
    return retriable;
  }
}
