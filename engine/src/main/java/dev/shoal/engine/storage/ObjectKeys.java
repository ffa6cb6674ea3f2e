package dev.shoal.engine.storage;

/** Rules for object keys, shared by every backend. */
public final class ObjectKeys {
  /** Longest key accepted; S3 allows 1024 bytes including the backend's prefix. */
  public static final int MAX_KEY_LENGTH = 768;

  private ObjectKeys() {}

  /**
   * Checks that {@code key} is a relative path of {@code [A-Za-z0-9._-]} segments separated by
   * single slashes, with no {@code .} or {@code ..} segment and no segment starting with a dot
   * (backends keep their temporary files there).
   *
   * @return the key
   * @throws IllegalArgumentException naming the key and the rule it breaks
   */
  public static String validate(String key) {
    String violation = violation(key);
    if (violation != null) {
      throw new IllegalArgumentException("Invalid object key: " + violation);
    }
    return key;
  }

  /** Whether {@link #validate} accepts {@code key}; backends use it to skip foreign files. */
  public static boolean isValid(String key) {
    return violation(key) == null;
  }

  /** Checks a listing prefix: like a key, but it may be empty or end with a slash. */
  public static String validatePrefix(String prefix) {
    if (prefix == null) {
      throw new IllegalArgumentException("Invalid object key prefix: null");
    }
    if (prefix.isEmpty()) {
      return prefix;
    }
    validate(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
    return prefix;
  }

  private static String violation(String key) {
    if (key == null || key.isEmpty()) {
      return "empty";
    }
    if (key.length() > MAX_KEY_LENGTH) {
      return "longer than " + MAX_KEY_LENGTH + " characters: " + key;
    }
    int segmentStart = 0;
    for (int i = 0; i <= key.length(); i++) {
      char c = i < key.length() ? key.charAt(i) : '/';
      if (c == '/') {
        if (i == segmentStart) {
          return "empty path segment: " + key;
        }
        if (key.charAt(segmentStart) == '.') {
          return "segment starts with '.': " + key;
        }
        segmentStart = i + 1;
      } else if (!isAllowed(c)) {
        return "character '" + c + "' not allowed: " + key;
      }
    }
    return null;
  }

  private static boolean isAllowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-';
  }
}
