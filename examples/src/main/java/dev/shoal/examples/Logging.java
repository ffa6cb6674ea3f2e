package dev.shoal.examples;

/**
 * Keeps the examples' output readable: Kafka, Connect, Flink and Jetty log only warnings (errors
 * for the noisiest), unless {@code --verbose}. Must run before the first logger is created; system
 * properties given on the command line ({@code -Dorg.slf4j.simpleLogger...}) win.
 */
public final class Logging {
  private static final String PREFIX = "org.slf4j.simpleLogger.";

  private Logging() {}

  public static void configure(boolean verbose) {
    set("defaultLogLevel", verbose ? "info" : "warn");
    set("showDateTime", "true");
    set("dateTimeFormat", "HH:mm:ss.SSS");
    set("showThreadName", "false");
    set("showShortLogName", "true");
    set("levelInBrackets", "true");
    if (!verbose) {
      // Routine start-up and shutdown warnings that say nothing about the example's data.
      set("log.org.apache.kafka", "error");
      set("log.kafka", "error");
      set("log.org.apache.flink", "error");
      set("log.org.eclipse.jetty", "error");
      set("log.org.glassfish.jersey", "error");
      set("log.shoal.access", "warn");
    }
  }

  private static void set(String key, String value) {
    if (System.getProperty(PREFIX + key) == null) {
      System.setProperty(PREFIX + key, value);
    }
  }
}
