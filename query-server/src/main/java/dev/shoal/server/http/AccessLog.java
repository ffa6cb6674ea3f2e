package dev.shoal.server.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.shoal.engine.json.DocumentJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per request: time, request id, method, path (without the query string), route
 * template, status, milliseconds, body bytes in and out, the key's name and the error code. Key
 * secrets and the {@code Authorization} header are never part of it. Thread-safe.
 */
public final class AccessLog {
  /** The logger the default sink writes to, at INFO. */
  public static final String LOGGER = "shoal.access";

  /** How lines look. */
  public enum Format {
    /** {@code key=value} pairs. */
    TEXT,
    /** One JSON object per line. */
    JSON;

    public static Format parse(String value) {
      try {
        return valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown log format \"" + value + "\": expected text or json", e);
      }
    }
  }

  /**
   * One request.
   *
   * @param route the matched template, or {@code unmatched}
   * @param key the key's name, or null without authentication
   * @param error the error code of a non-2xx answer, or null
   */
  public record Entry(
      Instant time,
      String requestId,
      String remote,
      String method,
      String path,
      String route,
      int status,
      double millis,
      long bytesIn,
      long bytesOut,
      String key,
      String error) {}

  private final Format format;
  private final Consumer<String> sink;
  private final BooleanSupplier enabled;

  /** A log that writes every line to {@code sink}. */
  public AccessLog(Format format, Consumer<String> sink) {
    this(format, sink, () -> true);
  }

  /** A log that writes lines to {@code sink} while {@code enabled} says so. */
  public AccessLog(Format format, Consumer<String> sink, BooleanSupplier enabled) {
    this.format = requireNonNull(format, "format is null");
    this.sink = requireNonNull(sink, "sink is null");
    this.enabled = requireNonNull(enabled, "enabled is null");
  }

  /**
   * Lines go to the {@value #LOGGER} logger at INFO; while that level is off for it, nothing is
   * formatted.
   */
  public static AccessLog toLogger(Format format) {
    Logger log = LoggerFactory.getLogger(LOGGER);
    return new AccessLog(format, log::info, log::isInfoEnabled);
  }

  /** Whether a line would be written now, so callers can skip building the entry. */
  public boolean enabled() {
    return enabled.getAsBoolean();
  }

  public void log(Entry e) {
    if (enabled.getAsBoolean()) {
      sink.accept(format == Format.JSON ? json(e) : text(e));
    }
  }

  private static String json(Entry e) {
    StringWriter w = new StringWriter(256);
    try (JsonGenerator g = DocumentJson.FACTORY.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("time", e.time().toString());
      g.writeStringField("request_id", e.requestId());
      g.writeStringField("remote", e.remote());
      g.writeStringField("method", e.method());
      g.writeStringField("path", e.path());
      g.writeStringField("route", e.route());
      g.writeNumberField("status", e.status());
      g.writeNumberField("ms", Math.round(e.millis() * 1000) / 1000.0);
      g.writeNumberField("bytes_in", e.bytesIn());
      g.writeNumberField("bytes_out", e.bytesOut());
      if (e.key() != null) {
        g.writeStringField("key", e.key());
      }
      if (e.error() != null) {
        g.writeStringField("error", e.error());
      }
      g.writeEndObject();
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
    return w.toString();
  }

  private static String text(Entry e) {
    StringBuilder sb = new StringBuilder(200);
    sb.append("time=").append(e.time());
    sb.append(" request_id=").append(e.requestId());
    sb.append(" remote=").append(e.remote());
    sb.append(" method=").append(e.method());
    sb.append(" path=").append(quoteIfNeeded(e.path()));
    sb.append(" route=").append(e.route());
    sb.append(" status=").append(e.status());
    sb.append(" ms=").append(String.format(Locale.ROOT, "%.3f", e.millis()));
    sb.append(" bytes_in=").append(e.bytesIn());
    sb.append(" bytes_out=").append(e.bytesOut());
    if (e.key() != null) {
      sb.append(" key=").append(quoteIfNeeded(e.key()));
    }
    if (e.error() != null) {
      sb.append(" error=").append(e.error());
    }
    return sb.toString();
  }

  private static String quoteIfNeeded(String s) {
    String p = Router.printable(s);
    return p.indexOf(' ') >= 0 || p.indexOf('"') >= 0 || p.isEmpty()
        ? '"' + p.replace("\"", "\\\"") + '"'
        : p;
  }
}
