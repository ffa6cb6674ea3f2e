package dev.shoal.engine.storage;

import dev.shoal.engine.ErrorKind;
import dev.shoal.engine.ShoalException;

/**
 * An object store call failed. {@link #isTransient()} separates faults worth retrying (timeouts,
 * throttling, 5xx) from permanent ones (access denied, bad bucket).
 */
public class StorageException extends ShoalException {
  private static final long serialVersionUID = 1L;

  private final boolean isTransient;

  public StorageException(String message, boolean isTransient, Throwable cause) {
    super(isTransient ? ErrorKind.UNAVAILABLE : ErrorKind.INTERNAL, message, cause);
    this.isTransient = isTransient;
  }

  public boolean isTransient() {
    return isTransient;
  }
}
