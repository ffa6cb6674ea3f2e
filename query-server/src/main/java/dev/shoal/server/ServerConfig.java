package dev.shoal.server;

import dev.shoal.engine.storage.StoreOptions;
import dev.shoal.server.http.AccessLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's settings, parsed from flags and {@code SHOAL_*} environment variables (see {@link
 * Option}). Every value is checked here, so a bad setting stops the server before it binds.
 *
 * @param store the store: {@code file:///...} or a plain path, {@code s3://bucket/prefix} or {@code
 *     memory:}
 * @param apiKeys the key file, or null to allow every request
 */
public record ServerConfig(
    String store,
    String s3Endpoint,
    String s3Region,
    boolean s3PathStyle,
    String bind,
    int port,
    Path cacheDir,
    long cacheDiskBytes,
    long cacheMemoryBytes,
    Path apiKeys,
    boolean insecure,
    long maxBodyBytes,
    int maxBatchDocs,
    int maxConcurrentQueries,
    int httpThreads,
    Duration shutdownTimeout,
    AccessLog.Format logFormat) {

  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);

  /**
   * Parses flags ({@code --name value}, {@code --name=value}; a switch alone means true, and takes
   * a following {@code true} or {@code false} as its value) over environment variables over
   * defaults.
   *
   * @throws IllegalArgumentException naming the flag or variable at fault
   */
  public static ServerConfig parse(String[] args, Map<String, String> env) {
    Map<Option, String> values = new EnumMap<>(Option.class);
    Map<Option, String> source = new EnumMap<>(Option.class);
    for (Option o : Option.values()) {
      String v = env.get(o.env());
      if (v != null && !v.isEmpty()) {
        values.put(o, v);
        source.put(o, o.env() + " (--" + o.flag + ")");
      } else if (o.defaultValue != null) {
        values.put(o, o.defaultValue);
        source.put(o, "the default of --" + o.flag);
      }
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument \"" + arg + "\" (see --help)");
      }
      int eq = arg.indexOf('=');
      String name = arg.substring(2, eq < 0 ? arg.length() : eq);
      Option o = Option.byFlag(name);
      if (o == null) {
        throw new IllegalArgumentException("unknown option --" + name + " (see --help)");
      }
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (o.isSwitch()) {
        // A switch alone means true. The server takes no positional arguments, so a following
        // word that is not a flag is the switch's value (true or false, checked below).
        if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
          value = args[++i];
        } else {
          value = "true";
        }
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value (" + o.metavar + ")");
      }
      values.put(o, value);
      source.put(o, "--" + name);
    }
    Reader r = new Reader(values, source);
    ServerConfig config =
        new ServerConfig(
            r.string(Option.STORE),
            r.string(Option.S3_ENDPOINT),
            r.string(Option.S3_REGION),
            r.bool(Option.S3_PATH_STYLE),
            r.string(Option.BIND),
            r.integer(Option.PORT, 0, 65535),
            r.path(Option.CACHE_DIR),
            r.bytes(Option.CACHE_DISK_BYTES),
            r.bytes(Option.CACHE_MEMORY_BYTES),
            r.path(Option.API_KEYS),
            r.bool(Option.INSECURE),
            r.bytes(Option.MAX_BODY_BYTES),
            r.integer(Option.MAX_BATCH_DOCS, 1, 1_000_000),
            r.integer(Option.MAX_CONCURRENT_QUERIES, 1, 100_000),
            r.integer(Option.HTTP_THREADS, 4, 10_000),
            Duration.ofSeconds(r.integer(Option.SHUTDOWN_TIMEOUT_SECONDS, 0, 3600)),
            r.format(Option.LOG_FORMAT));
    try {
      config.storeOptions();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage() + " (from " + source.get(Option.STORE) + ")", e);
    }
    return config;
  }

  /**
   * How to open the store: the URI and the S3 settings. S3 credentials come from the AWS default
   * chain, never from flags.
   *
   * @throws IllegalArgumentException "Cannot open store ...: ..." for a URI that cannot work
   */
  public StoreOptions storeOptions() {
    StoreOptions.Builder b = StoreOptions.builder(store).s3PathStyle(s3PathStyle);
    if (s3Endpoint != null) {
      b.s3Endpoint(s3Endpoint);
    }
    if (s3Region != null) {
      b.s3Region(s3Region);
    }
    return b.build();
  }

  /** Parses a byte count: digits with an optional binary suffix k, m, g or t ({@code 512m}). */
  static long parseBytes(String value) {
    Matcher m = SIZE.matcher(value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("expected a byte count such as 1048576, 512m or 4g");
    }
    int shift =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("number too large");
    }
    if (n <= 0 || n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("must be positive and below 2^63 bytes");
    }
    return n << shift;
  }

  private record Reader(Map<Option, String> values, Map<Option, String> source) {
    String string(Option o) {
      String v = values.get(o);
      return v == null || v.isBlank() ? null : v.trim();
    }

    Path path(Option o) {
      String v = string(o);
      return v == null ? null : Path.of(v);
    }

    boolean bool(Option o) {
      String v = string(o);
      if (v == null) {
        if (values.get(o) != null) {
          throw bad(o, values.get(o), "expected true or false");
        }
        return false;
      }
      return switch (v.toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> throw bad(o, v, "expected true or false");
      };
    }

    int integer(Option o, int min, int max) {
      String v = string(o);
      try {
        int n = Integer.parseInt(v);
        if (n < min || n > max) {
          throw bad(o, v, "expected " + min + " to " + max);
        }
        return n;
      } catch (NumberFormatException e) {
        throw bad(o, v, "expected an integer");
      }
    }

    long bytes(Option o) {
      String v = string(o);
      try {
        return parseBytes(v);
      } catch (IllegalArgumentException e) {
        throw bad(o, v, e.getMessage());
      }
    }

    AccessLog.Format format(Option o) {
      String v = string(o);
      try {
        return AccessLog.Format.parse(v);
      } catch (IllegalArgumentException e) {
        throw bad(o, v, "expected text or json");
      }
    }

    IllegalArgumentException bad(Option o, String value, String reason) {
      return new IllegalArgumentException(
          "invalid value \"" + value + "\" from " + source.get(o) + ": " + reason);
    }
  }
}
