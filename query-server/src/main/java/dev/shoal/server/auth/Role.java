package dev.shoal.server.auth;

import java.util.Locale;

/** What a key may do. Each role includes the ones before it (API.md). */
public enum Role {
  /** List namespaces, get namespaces and documents, query. */
  READ,
  /**
   * Adds document writes, namespace create, update and delete, branch, copy, compact, warm, pin.
   */
  WRITE,
  /** Adds repair. */
  ADMIN;

  /** Whether this role may do what {@code needed} may. */
  public boolean includes(Role needed) {
    return ordinal() >= needed.ordinal();
  }

  /** The name used in key files and messages: {@code read}, {@code write}, {@code admin}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code read}, {@code write} or {@code admin}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Role parse(String value) {
    for (Role r : values()) {
      if (r.jsonName().equals(value)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "unknown role \"" + value + "\": expected read, write or admin");
  }
}
