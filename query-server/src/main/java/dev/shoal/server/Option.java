package dev.shoal.server;

import java.util.Locale;

/**
 * The server's settings (API.md, "Server settings"): each is a flag {@code --name} and an
 * environment variable {@code SHOAL_NAME}; a flag wins over the variable. {@code --help} prints
 * this table.
 */
enum Option {
  STORE(
      "store",
      "URI",
      "./shoal-data",
      "file:///path or a plain path, s3://bucket/prefix, or memory: (lost on exit)"),
  S3_ENDPOINT("s3-endpoint", "URL", null, "S3-compatible endpoint, such as http://127.0.0.1:9000"),
  S3_REGION("s3-region", "REGION", null, "S3 region"),
  S3_PATH_STYLE(
      "s3-path-style", null, "false", "path-style S3 addressing (most S3-compatible servers)"),
  BIND(
      "bind",
      "ADDRESS",
      "127.0.0.1",
      "address to listen on; a non-loopback one needs --api-keys or --insecure"),
  PORT("port", "PORT", "8080", "port to listen on (0: any free port)"),
  CACHE_DIR("cache-dir", "DIR", null, "folder of the disk cache of raw objects (none if unset)"),
  CACHE_DISK_BYTES("cache-disk-bytes", "BYTES", "4g", "disk cache budget (suffixes k, m, g, t)"),
  CACHE_MEMORY_BYTES("cache-memory-bytes", "BYTES", "512m", "memory cache budget"),
  API_KEYS("api-keys", "FILE", null, "JSON file of API keys; without it every request is allowed"),
  INSECURE("insecure", null, "false", "allow a non-loopback --bind without --api-keys"),
  MAX_BODY_BYTES("max-body-bytes", "BYTES", "64m", "largest request body; larger ones get 413"),
  MAX_BATCH_DOCS(
      "max-batch-docs",
      "N",
      "10000",
      "most upserts + patches + deletes in one write; more get 413"),
  MAX_CONCURRENT_QUERIES(
      "max-concurrent-queries", "N", "64", "queries run at once; more get 429 with Retry-After"),
  HTTP_THREADS("http-threads", "N", "200", "most request threads"),
  SHUTDOWN_TIMEOUT_SECONDS(
      "shutdown-timeout-seconds", "S", "30", "how long a shutdown waits for requests in flight"),
  LOG_FORMAT("log-format", "FORMAT", "text", "access log lines: text (key=value) or json");

  final String flag;
  final String metavar;
  final String defaultValue;
  final String help;

  Option(String flag, String metavar, String defaultValue, String help) {
    this.flag = flag;
    this.metavar = metavar;
    this.defaultValue = defaultValue;
    this.help = help;
  }

  /** Whether the flag may be given without a value (meaning true). */
  boolean isSwitch() {
    return metavar == null;
  }

  String env() {
    return "SHOAL_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  static Option byFlag(String flag) {
    for (Option o : values()) {
      if (o.flag.equals(flag)) {
        return o;
      }
    }
    return null;
  }

  /** The {@code --help} text. */
  static String usage() {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: java -jar shoal-server.jar [options]\n\n");
    sb.append("Serves the REST API of Shoal over a store of namespaces.\n\n");
    sb.append("Options (each also an environment variable; a flag wins):\n");
    for (Option o : values()) {
      String left = "  --" + o.flag + (o.isSwitch() ? "" : " " + o.metavar);
      sb.append(String.format(Locale.ROOT, "%-36s %s%n", left, o.help));
      sb.append(String.format(Locale.ROOT, "%-36s env %s", "", o.env()));
      if (o.defaultValue != null) {
        sb.append(", default ").append(o.defaultValue);
      }
      sb.append('\n');
    }
    sb.append(String.format(Locale.ROOT, "%-36s %s%n", "  --help", "print this and exit"));
    return sb.toString();
  }
}
