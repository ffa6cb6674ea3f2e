package dev.shoal.engine;

import java.util.Locale;

/** How fresh a read must be. */
public enum Consistency {
  /** Sees every write acknowledged before the read started (one cheap check of the manifest). */
  STRONG,
  /** May use a manifest cached up to {@link EngineConfig#eventualMaxStaleness()} ago. */
  EVENTUAL;

  /** Parses {@code strong} or {@code eventual}, case-insensitively. */
  public static Consistency parse(String value) {
    if (value != null) {
      switch (value.toLowerCase(Locale.ROOT)) {
        case "strong":
          return STRONG;
        case "eventual":
          return EVENTUAL;
        default:
          break;
      }
    }
    throw new InvalidRequestException(
        "Invalid consistency \"" + value + "\": expected strong or eventual");
  }
}
