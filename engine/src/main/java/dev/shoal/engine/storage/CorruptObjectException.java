package dev.shoal.engine.storage;

import dev.shoal.engine.ErrorKind;
import dev.shoal.engine.ShoalException;

/** A stored object failed its checksum, is truncated, or does not decode. Names the key. */
public class CorruptObjectException extends ShoalException {
  private static final long serialVersionUID = 1L;

  private final String key;

  public CorruptObjectException(String key, String reason) {
    this(key, reason, null);
  }

  public CorruptObjectException(String key, String reason, Throwable cause) {
    super(ErrorKind.CORRUPT_OBJECT, "Cannot decode object " + key + ": " + reason, cause);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
