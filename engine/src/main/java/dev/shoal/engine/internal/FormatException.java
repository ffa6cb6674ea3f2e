package dev.shoal.engine.internal;

/**
 * Malformed binary data. Decoders catch it and rethrow {@link
 * dev.shoal.engine.storage.CorruptObjectException} naming the object's key.
 */
public final class FormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FormatException(String message) {
    super(message);
  }
}
