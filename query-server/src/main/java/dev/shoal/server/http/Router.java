package dev.shoal.server.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Matches a request's raw (still percent-encoded) path against route templates.
 *
 * <p>The path is split on {@code /} before any decoding, and each parameter is decoded on its own
 * (strict UTF-8). So {@code %2F} stays inside its segment and {@code %2e%2e} becomes the name
 * {@code ..}, which namespace validation then rejects with a clear message: a request can never
 * name a different route or object key than the one it spells. Immutable and thread-safe.
 */
public final class Router {
  private final List<Compiled> routes = new ArrayList<>();

  private record Compiled(Route route, String[] segments) {}

  /** A matched route and its decoded parameters, in template order. */
  public record Match(Route route, Map<String, String> params) {}

  public Router(List<Route> routes) {
    for (Route r : routes) {
      for (Compiled c : this.routes) {
        if (c.route.method().equals(r.method()) && c.route.template().equals(r.template())) {
          throw new IllegalArgumentException(
              "Cannot define route " + r.method() + " " + r.template() + ": defined twice");
        }
      }
      this.routes.add(new Compiled(r, r.segments().toArray(String[]::new)));
    }
  }

  public List<Route> routes() {
    return routes.stream().map(Compiled::route).toList();
  }

  /**
   * Finds the route for a request.
   *
   * @param rawPath the path as sent, percent-encoded, starting with {@code /}
   * @throws ApiException 404 if no template matches the path, 405 (with {@code Allow}) if one does
   *     for other methods, 400 if a parameter is not valid percent-encoded UTF-8
   */
  public Match match(String method, String rawPath) {
    String[] parts = rawPath.startsWith("/") ? rawPath.substring(1).split("/", -1) : null;
    TreeSet<String> allowed = new TreeSet<>();
    if (parts != null) {
      for (Compiled c : routes) {
        if (!matches(c.segments, parts)) {
          continue;
        }
        if (!c.route.method().equals(method)) {
          allowed.add(c.route.method());
          continue;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) {
          String s = c.segments[i];
          if (Route.isParam(s)) {
            params.put(s.substring(1, s.length() - 1), decode(parts[i]));
          }
        }
        return new Match(c.route, params);
      }
    }
    if (!allowed.isEmpty()) {
      String allow = String.join(", ", allowed);
      throw ApiException.methodNotAllowed(
          "Cannot " + method + " " + printable(rawPath) + ": method not allowed; use " + allow,
          allow);
    }
    throw ApiException.notFound(
        "Cannot " + method + " " + printable(rawPath) + ": no such endpoint (see /openapi.json)");
  }

  private static boolean matches(String[] template, String[] parts) {
    if (template.length != parts.length) {
      return false;
    }
    for (int i = 0; i < parts.length; i++) {
      if (Route.isParam(template[i]) ? parts[i].isEmpty() : !template[i].equals(parts[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * Decodes one percent-encoded path segment or query component as strict UTF-8.
   *
   * @param plusIsSpace whether {@code +} means a space (query strings)
   * @throws ApiException 400 on a bad escape or invalid UTF-8
   */
  static String decode(String raw, boolean plusIsSpace) {
    if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (lo < 0) {
          throw ApiException.badRequest(
              "Cannot decode \"" + printable(raw) + "\": bad percent-escape at character " + i);
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        bytes.write(' ');
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        int cp = raw.codePointAt(i);
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
        i += Character.charCount(cp) - 1;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest(
          "Cannot decode \"" + printable(raw) + "\": its percent-escapes are not valid UTF-8");
    }
  }

  static String decode(String raw) {
    return decode(raw, false);
  }

  /** A raw path or value shortened and stripped of control characters, for messages. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return s.length() > 200 ? sb.append("...").toString() : sb.toString();
  }
}
