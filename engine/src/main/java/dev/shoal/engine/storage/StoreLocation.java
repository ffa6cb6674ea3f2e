package dev.shoal.engine.storage;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where a store keeps its objects, parsed from a store URI. */
sealed interface StoreLocation {
  /** A scheme has two or more characters, so that {@code C:\shoal} reads as a path. */
  Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]+):.*", Pattern.DOTALL);

  Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /** S3 keys are at most 1024 bytes: what object keys leave for the prefix and its slash. */
  int MAX_KEY_PREFIX_LENGTH = 1024 - ObjectKeys.MAX_KEY_LENGTH - 1;

  /** A local folder. */
  record Folder(Path root) implements StoreLocation {
    public Folder {
      requireNonNull(root, "root is null");
    }
  }

  /**
   * A bucket and a key prefix.
   *
   * @param keyPrefix empty, or a valid key followed by {@code /}
   */
  record Bucket(String bucket, String keyPrefix) implements StoreLocation {
    public Bucket {
      requireNonNull(bucket, "bucket is null");
      requireNonNull(keyPrefix, "keyPrefix is null");
    }
  }

  /** The heap of this process. */
  record Memory() implements StoreLocation {}

  /**
   * Parses {@code file:///abs/path}, a plain relative or absolute path, {@code
   * s3://bucket/optional/prefix} or {@code memory:}.
   *
   * @throws IllegalArgumentException "Cannot open store &lt;uri&gt;: &lt;reason&gt;"
   */
  static StoreLocation parse(String uri) {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("Cannot open store: the store URI is empty");
    }
    Matcher scheme = SCHEME.matcher(uri);
    if (!scheme.matches()) {
      return new Folder(toPath(uri));
    }
    switch (scheme.group(1).toLowerCase(Locale.ROOT)) {
      case "memory":
        if (!uri.equalsIgnoreCase("memory:")) {
          throw invalid(uri, "a memory store takes no path; use memory:");
        }
        return new Memory();
      case "file":
        return new Folder(fileUriToPath(uri));
      case "s3":
        return parseBucket(uri);
      default:
        throw invalid(
            uri,
            "unknown scheme '"
                + scheme.group(1)
                + "'; use file:///absolute/path, a plain path, s3://bucket/prefix or memory:");
    }
  }

  private static Path fileUriToPath(String uri) {
    try {
      return Path.of(URI.create(uri));
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      throw invalid(uri, e.getMessage() + "; use file:///absolute/path or a plain path", e);
    }
  }

  private static Path toPath(String path) {
    try {
      return Path.of(path).toAbsolutePath();
    } catch (InvalidPathException e) {
      throw invalid(path, e.getMessage(), e);
    }
  }

  private static Bucket parseBucket(String uri) {
    if (!uri.regionMatches(true, 0, "s3://", 0, "s3://".length())) {
      throw invalid(uri, "expected s3://bucket/optional/prefix");
    }
    String rest = uri.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    if (bucket.isEmpty()) {
      throw invalid(uri, "bucket name missing");
    }
    if (!BUCKET.matcher(bucket).matches()) {
      throw invalid(
          uri,
          "invalid bucket name '"
              + bucket
              + "' (3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a"
              + " letter or digit)");
    }
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    if (prefix.isEmpty()) {
      return new Bucket(bucket, "");
    }
    if (prefix.length() > MAX_KEY_PREFIX_LENGTH) {
      throw invalid(uri, "key prefix longer than " + MAX_KEY_PREFIX_LENGTH + " characters");
    }
    try {
      ObjectKeys.validate(prefix);
    } catch (IllegalArgumentException e) {
      throw invalid(uri, "invalid key prefix: " + e.getMessage(), e);
    }
    return new Bucket(bucket, prefix + "/");
  }

  private static IllegalArgumentException invalid(String uri, String reason) {
    return invalid(uri, reason, null);
  }

  private static IllegalArgumentException invalid(String uri, String reason, Throwable cause) {
    return new IllegalArgumentException("Cannot open store " + uri + ": " + reason, cause);
  }
}
