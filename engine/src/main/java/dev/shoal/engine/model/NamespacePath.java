package dev.shoal.engine.model;

import dev.shoal.engine.InvalidRequestException;

/**
 * A namespace's full name, {@code org/project/namespace}. Each component is 1 to 128 characters of
 * {@code [A-Za-z0-9._-]}, does not start with {@code _ . -} and never contains {@code ..}. The
 * components become object-key segments, so this allowlist is also the defence against path
 * traversal.
 */
public record NamespacePath(String org, String project, String namespace) {
  public static final int MAX_COMPONENT_LENGTH = 128;

  public NamespacePath {
    validateComponent(org, "organization");
    validateComponent(project, "project");
    validateComponent(namespace, "namespace");
  }

  public static NamespacePath of(String org, String project, String namespace) {
    return new NamespacePath(org, project, namespace);
  }

  /**
   * Parses {@code org/project/namespace}.
   *
   * @throws InvalidRequestException if it has not exactly three valid components
   */
  public static NamespacePath parse(String path) {
    if (path == null) {
      throw new InvalidRequestException("Invalid namespace path: null");
    }
    String[] parts = path.split("/", -1);
    if (parts.length != 3) {
      throw new InvalidRequestException(
          "Invalid namespace path \"" + path + "\": expected org/project/namespace");
    }
    return new NamespacePath(parts[0], parts[1], parts[2]);
  }

  /** This path with another last component, in the same organization and project. */
  public NamespacePath sibling(String otherNamespace) {
    return new NamespacePath(org, project, otherNamespace);
  }

  /**
   * Checks one path component.
   *
   * @param what what the component is, for the message ("organization", "namespace")
   * @throws InvalidRequestException naming the component and the rule it breaks
   */
  public static String validateComponent(String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new InvalidRequestException("Invalid " + what + " name: empty");
    }
    if (value.length() > MAX_COMPONENT_LENGTH) {
      throw new InvalidRequestException(
          "Invalid "
              + what
              + " name: "
              + value.length()
              + " characters, at most "
              + MAX_COMPONENT_LENGTH
              + " allowed");
    }
    char first = value.charAt(0);
    if (first == '_' || first == '.' || first == '-') {
      throw new InvalidRequestException(
          "Invalid " + what + " name \"" + value + "\": must not start with '_', '.' or '-'");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!ok) {
        throw new InvalidRequestException(
            "Invalid "
                + what
                + " name \""
                + printable(value)
                + "\": only ASCII letters, digits, '.', '_' and '-' are allowed");
      }
    }
    if (value.contains("..")) {
      throw new InvalidRequestException(
          "Invalid " + what + " name \"" + value + "\": must not contain '..'");
    }
    return value;
  }

  private static String printable(String value) {
    StringBuilder sb = new StringBuilder();
    value
        .codePoints()
        .limit(MAX_COMPONENT_LENGTH + 1)
        .forEach(
            cp -> {
              if (cp < 0x20 || cp == 0x7f) {
                sb.append(String.format("\\u%04x", cp));
              } else {
                sb.appendCodePoint(cp);
              }
            });
    return sb.toString();
  }

  @Override
  public String toString() {
    return org + "/" + project + "/" + namespace;
  }
}
