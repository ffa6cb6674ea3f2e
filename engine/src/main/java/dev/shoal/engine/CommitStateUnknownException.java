package dev.shoal.engine;

/**
 * The manifest create failed and reading it back failed too, so the write may or may not be
 * committed. Do not blindly retry a non-idempotent write: read the namespace (or retry with the
 * same idempotency key or writer position, which deduplicates) once storage is reachable.
 *
 * <p>When the engine knows which commit is in doubt, {@link #version()} and {@link #commitId()}
 * name it: the commit happened exactly if manifest version {@code version} exists with that commit
 * id, and did not if the version exists with another one.
 */
public class CommitStateUnknownException extends ShoalException {
  private static final long serialVersionUID = 1L;

  private final long version;
  private final String commitId;

  public CommitStateUnknownException(String message, Throwable cause) {
    this(message, cause, 0, null);
  }

  /**
   * @param version the manifest version the commit tried to create, or 0 if not known
   * @param commitId the commit id of the manifest it tried to create, or null if not known
   */
  public CommitStateUnknownException(
      String message, Throwable cause, long version, String commitId) {
    super(ErrorKind.COMMIT_STATE_UNKNOWN, message, cause);
    this.version = version;
    this.commitId = commitId;
  }

  /** The manifest version the commit tried to create, or 0 if not known. */
  public long version() {
    return version;
  }

  /** The commit id of the manifest the commit tried to create, or null if not known. */
  public String commitId() {
    return commitId;
  }

  @Override
  public boolean isRetriable() {
    return false;
  }
}
