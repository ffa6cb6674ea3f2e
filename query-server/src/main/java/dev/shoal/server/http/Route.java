package dev.shoal.server.http;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One endpoint: method, path template such as {@code /v1/namespaces/{org}/{project}/{ns}}, what it
 * requires of the caller, the query parameters it accepts and what it does.
 *
 * @param summary one line for the OpenAPI description and logs
 */
public record Route(
    String method,
    String template,
    Access access,
    Set<String> queryParams,
    String summary,
    Action action) {

  /** What a route does; it returns the reply or throws (see {@link ApiHandler}). */
  @FunctionalInterface
  public interface Action {
    Reply handle(Exchange exchange) throws Exception;
  }

  public Route {
    requireNonNull(method, "method is null");
    requireNonNull(template, "template is null");
    requireNonNull(access, "access is null");
    queryParams = Set.copyOf(queryParams);
    requireNonNull(summary, "summary is null");
    requireNonNull(action, "action is null");
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("Cannot define route " + template + ": not absolute");
    }
  }

  /** The template's segments: literals, or {@code {name}} for parameters. */
  public List<String> segments() {
    return List.of(template.substring(1).split("/", -1));
  }

  /** The parameter names, in order. */
  public List<String> params() {
    List<String> out = new ArrayList<>();
    for (String s : segments()) {
      if (isParam(s)) {
        out.add(s.substring(1, s.length() - 1));
      }
    }
    return out;
  }

  static boolean isParam(String segment) {
    return segment.startsWith("{") && segment.endsWith("}");
  }
}
