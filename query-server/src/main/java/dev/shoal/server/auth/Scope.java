package dev.shoal.server.auth;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.model.NamespacePath;

/**
 * The namespaces a key reaches: {@code *} (everything), {@code acme/*} (every project of an
 * organization) or {@code acme/search} (one project).
 *
 * @param org the organization, or null for {@code *}
 * @param project the project, or null for every project of {@code org}
 */
public record Scope(String org, String project) {
  public static final Scope ALL = new Scope(null, null);

  public Scope {
    if (org == null && project != null) {
      throw new IllegalArgumentException("a scope with a project needs an organization");
    }
  }

  /**
   * Parses {@code *}, {@code org/*} or {@code org/project}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static Scope parse(String value) {
    requireNonNull(value, "scope is null");
    if (value.equals("*")) {
      return ALL;
    }
    String[] parts = value.split("/", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException(
          "invalid scope \"" + value + "\": expected *, org/* or org/project");
    }
    try {
      NamespacePath.validateComponent(parts[0], "organization");
      if (parts[1].equals("*")) {
        return new Scope(parts[0], null);
      }
      NamespacePath.validateComponent(parts[1], "project");
    } catch (InvalidRequestException e) {
      throw new IllegalArgumentException("invalid scope \"" + value + "\": " + e.getMessage(), e);
    }
    return new Scope(parts[0], parts[1]);
  }

  /** Whether this scope is {@code *}, which {@code /metrics} requires. */
  public boolean isAll() {
    return org == null;
  }

  /** Whether this scope covers the project {@code org/project}. */
  public boolean covers(String org, String project) {
    return this.org == null
        || (this.org.equals(org) && (this.project == null || this.project.equals(project)));
  }

  @Override
  public String toString() {
    return org == null ? "*" : org + "/" + (project == null ? "*" : project);
  }
}
