package dev.shoal.server.http;

import dev.shoal.server.auth.Role;

/** What a route requires of the caller's key (API.md, "Auth"). */
public enum Access {
  /** No key needed ({@code /health}, {@code /openapi.json}). */
  OPEN(null),
  /** A key of any role whose scope is {@code *} ({@code /metrics}). */
  GLOBAL(Role.READ),
  /** A key whose scope covers the route's {@code org/project}, with at least this role. */
  READ(Role.READ),
  WRITE(Role.WRITE),
  ADMIN(Role.ADMIN);

  private final Role role;

  Access(Role role) {
    this.role = role;
  }

  /** The least role that passes, or null for {@link #OPEN}. */
  public Role role() {
    return role;
  }
}
