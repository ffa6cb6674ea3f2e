package dev.shoal.examples;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of the examples: {@code --name value}, {@code --name=value} and switches
 * ({@code --no-serve}). Each getter names the option it reads, so {@link #checkAllUsed} can reject
 * options no getter asked for (a typo must not be ignored).
 */
public final class Args {
  private final Map<String, String> values = new HashMap<>();
  private final Set<String> used = new HashSet<>();

  private Args() {}

  /**
   * Parses {@code args}.
   *
   * @param switches the options that take no value
   * @throws IllegalArgumentException for an argument that is not an option, or a missing value
   */
  public static Args parse(String[] args, Set<String> switches) {
    Args a = new Args();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new IllegalArgumentException("Cannot read argument \"" + arg + "\": not an option");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (switches.contains(name)) {
        value = "true";
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("Cannot read --" + name + ": it needs a value");
      }
      a.values.put(name, value);
    }
    return a;
  }

  public boolean flag(String name) {
    used.add(name);
    String v = values.get(name);
    if (v == null) {
      return false;
    }
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException("Cannot read --" + name + "=" + v + ": true or false");
    }
    return Boolean.parseBoolean(v);
  }

  public String string(String name, String fallback) {
    used.add(name);
    return values.getOrDefault(name, fallback);
  }

  public Path path(String name, String fallback) {
    String v = string(name, fallback);
    return v == null ? null : Path.of(v).toAbsolutePath().normalize();
  }

  /** An integer option from {@code min} to {@code max} (underscores and commas allowed). */
  public int integer(String name, int fallback, int min, int max) {
    used.add(name);
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    int n;
    try {
      n = Integer.parseInt(v.replace("_", "").replace(",", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Cannot read --" + name + " " + v + ": not a number");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(
          "Cannot use --" + name + " " + v + ": from " + min + " to " + max);
    }
    return n;
  }

  /**
   * Rejects options no getter read.
   *
   * @throws IllegalArgumentException naming them
   */
  public void checkAllUsed() {
    Set<String> unknown = new HashSet<>(values.keySet());
    unknown.removeAll(used);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot use option(s) " + unknown.stream().sorted().map(n -> "--" + n).toList());
    }
  }
}
