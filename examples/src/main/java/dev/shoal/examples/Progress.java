package dev.shoal.examples;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar: {@code [##########..........] 5,000 / 10,000 50% 1.2 s}. On a terminal
 * it redraws the line in place; otherwise (a log file, a test) it prints a line at each quarter so
 * that output stays short.
 *
 * <p>Not thread-safe: one thread updates it.
 */
public final class Progress {
  private static final int WIDTH = 30;

  private final PrintStream out;
  private final String indent;
  private final long total;
  private final boolean redraw;
  private final long startNanos = System.nanoTime();
  private long lastDrawNanos;
  private int lastQuarter = -1;
  private long done;

  public Progress(PrintStream out, String indent, long total, boolean redraw) {
    this.out = out;
    this.indent = indent;
    this.total = Math.max(1, total);
    this.redraw = redraw;
  }

  /** Whether this JVM writes to an interactive terminal. */
  public static boolean interactive() {
    return System.console() != null;
  }

  /** Sets the count done; draws at most every 100 ms on a terminal. */
  public void update(long value) {
    done = Math.min(value, total);
    long now = System.nanoTime();
    if (redraw) {
      if (now - lastDrawNanos > 100_000_000L || done == total) {
        lastDrawNanos = now;
        out.print("\r" + line());
        out.flush();
      }
    } else {
      int quarter = (int) (done * 4 / total);
      if (quarter > lastQuarter) {
        lastQuarter = quarter;
        out.println(line());
      }
    }
  }

  /** Draws the final state and ends the line. */
  public void finish() {
    if (redraw) {
      out.println("\r" + line());
    } else if (lastQuarter < 4) {
      out.println(line());
    }
  }

  /** Seconds since this bar was created. */
  public double seconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private String line() {
    int filled = (int) (done * WIDTH / total);
    return String.format(
        Locale.ROOT,
        "%s[%s%s] %,7d / %,d %3d%%  %.1f s",
        indent,
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        done,
        total,
        done * 100 / total,
        seconds());
  }
}
