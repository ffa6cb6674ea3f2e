package dev.shoal.engine;

/**
 * What went wrong, in a form callers can act on without parsing messages. Each kind has a stable
 * snake_case {@link #code()}, which the REST API returns as {@code error.code}.
 */
public enum ErrorKind {
  /** The request is malformed or violates a rule; retrying it unchanged fails again. */
  INVALID_REQUEST("invalid_request"),
  /** The request or batch exceeds a size limit. */
  TOO_LARGE("too_large"),
  /** The namespace or document does not exist. */
  NOT_FOUND("not_found"),
  /** The namespace already exists. */
  ALREADY_EXISTS("already_exists"),
  /** A conditional write ({@code if_version}) found another manifest version. */
  VERSION_CONFLICT("version_conflict"),
  /** A writer's epoch is older than the one stored: another instance claimed the writer. */
  WRITER_FENCED("writer_fenced"),
  /** A transient fault (storage unavailable, too much contention): retrying may succeed. */
  UNAVAILABLE("unavailable"),
  /** A commit failed in a way that leaves its outcome unknown: read the namespace to find out. */
  COMMIT_STATE_UNKNOWN("commit_state_unknown"),
  /** A stored object failed its checksum or could not be decoded. */
  CORRUPT_OBJECT("corrupt_object"),
  /** A bug or an unexpected failure. */
  INTERNAL("internal");

  private final String code;

  ErrorKind(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
