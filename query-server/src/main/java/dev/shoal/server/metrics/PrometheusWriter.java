package dev.shoal.server.metrics;

/**
 * Writes the Prometheus text exposition format (version 0.0.4): a {@code # HELP} and {@code # TYPE}
 * line per family, then its samples. Label values are escaped. Not thread-safe.
 */
public final class PrometheusWriter {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final StringBuilder out = new StringBuilder(4096);

  /** Starts a family; {@code type} is counter, gauge or histogram. */
  public PrometheusWriter family(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    return this;
  }

  /**
   * Writes a sample.
   *
   * @param labels alternating names and values
   */
  public PrometheusWriter sample(String name, double value, String... labels) {
    out.append(name);
    if (labels.length > 0) {
      out.append('{');
      for (int i = 0; i < labels.length; i += 2) {
        if (i > 0) {
          out.append(',');
        }
        out.append(labels[i]).append("=\"");
        escape(labels[i + 1]);
        out.append('"');
      }
      out.append('}');
    }
    out.append(' ').append(format(value)).append('\n');
    return this;
  }

  /** A one-sample gauge family. */
  public PrometheusWriter gauge(String name, String help, double value) {
    return family(name, "gauge", help).sample(name, value);
  }

  /** A one-sample counter family. */
  public PrometheusWriter counter(String name, String help, double value) {
    return family(name, "counter", help).sample(name, value);
  }

  private void escape(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }

  static String format(double v) {
    if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return java.math.BigDecimal.valueOf(v).toPlainString();
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
