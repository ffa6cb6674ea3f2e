package dev.shoal.kafka.mapping;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.model.NamespacePath;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code shoal.namespace} template: literal text with placeholders {@code ${topic}}, {@code
 * ${key}}, {@code ${field:<name>}} and {@code ${header:<name>}}, expanded per record into an {@code
 * org/project/namespace} path.
 *
 * <p>{@link #parse} checks the syntax and that the literal text alone can form a valid path (each
 * placeholder replaced by a one-letter stand-in), so a typo fails when the connector is configured
 * rather than on every record. An expansion that is not a valid path is a per-record error.
 *
 * <p>Immutable and thread-safe.
 */
public final class NamespaceTemplate {

  /** One piece of the template. */
  public sealed interface Part {}

  /** Text copied as is. */
  public record Literal(String text) implements Part {}

  /** {@code ${topic}}: the record's topic, after any topic-renaming transformation. */
  public record Topic() implements Part {}

  /** {@code ${key}}: the record key, converted like a document id. */
  public record Key() implements Part {}

  /** {@code ${field:<name>}}: a top-level field of the value (of {@code after} for Debezium). */
  public record Field(String name) implements Part {}

  /** {@code ${header:<name>}}: the last header with this name. */
  public record Header(String name) implements Part {}

  private final String source;
  private final List<Part> parts;

  private NamespaceTemplate(String source, List<Part> parts) {
    this.source = source;
    this.parts = List.copyOf(parts);
  }

  /**
   * Parses and checks a template.
   *
   * @throws IllegalArgumentException with a message saying what is wrong and where
   */
  public static NamespaceTemplate parse(String template) {
    requireNonNull(template, "template is null");
    if (template.isBlank()) {
      throw new IllegalArgumentException("Invalid namespace template: it is empty");
    }
    List<Part> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf("${", i);
      if (open < 0) {
        literal.append(template, i, template.length());
        break;
      }
      literal.append(template, i, open);
      int close = template.indexOf('}', open);
      if (close < 0) {
        throw new IllegalArgumentException(
            "Invalid namespace template \""
                + template
                + "\": placeholder at position "
                + open
                + " is not closed with '}'");
      }
      if (!literal.isEmpty()) {
        parts.add(new Literal(literal.toString()));
        literal.setLength(0);
      }
      parts.add(placeholder(template, template.substring(open + 2, close)));
      i = close + 1;
    }
    if (!literal.isEmpty()) {
      parts.add(new Literal(literal.toString()));
    }
    NamespaceTemplate t = new NamespaceTemplate(template, parts);
    String sample = t.expand(p -> "x");
    try {
      NamespacePath.parse(sample);
    } catch (InvalidRequestException e) {
      throw new IllegalArgumentException(
          "Invalid namespace template \""
              + template
              + "\": it must expand to org/project/namespace ("
              + e.getMessage()
              + ")");
    }
    return t;
  }

  private static Part placeholder(String template, String body) {
    String lower = body.toLowerCase(Locale.ROOT);
    if (lower.equals("topic")) {
      return new Topic();
    }
    if (lower.equals("key")) {
      return new Key();
    }
    int colon = body.indexOf(':');
    if (colon > 0 && colon < body.length() - 1) {
      String kind = lower.substring(0, colon);
      String name = body.substring(colon + 1);
      if (kind.equals("field")) {
        return new Field(name);
      }
      if (kind.equals("header")) {
        return new Header(name);
      }
    }
    throw new IllegalArgumentException(
        "Invalid namespace template \""
            + template
            + "\": unknown placeholder ${"
            + body
            + "}; use ${topic}, ${key}, ${field:<name>} or ${header:<name>}");
  }

  /** The parts, in order. */
  public List<Part> parts() {
    return parts;
  }

  /** Whether every record expands to the same path (the template has no placeholder). */
  public boolean isConstant() {
    return parts.stream().allMatch(p -> p instanceof Literal);
  }

  /** Whether the expansion depends on nothing but the topic. */
  public boolean dependsOnTopicOnly() {
    return parts.stream().allMatch(p -> p instanceof Literal || p instanceof Topic);
  }

  /** Whether the template reads the record's value. */
  public boolean usesFields() {
    return parts.stream().anyMatch(p -> p instanceof Field);
  }

  /**
   * Expands the template, asking {@code resolver} for each placeholder's text.
   *
   * @param resolver returns the text of a placeholder; it may throw to reject the record
   */
  public String expand(PlaceholderResolver resolver) {
    StringBuilder sb = new StringBuilder();
    for (Part p : parts) {
      if (p instanceof Literal l) {
        sb.append(l.text());
      } else {
        sb.append(resolver.resolve(p));
      }
    }
    return sb.toString();
  }

  /** Supplies the text of placeholders during {@link #expand}. */
  @FunctionalInterface
  public interface PlaceholderResolver {
    String resolve(Part placeholder);
  }

  @Override
  public String toString() {
    return source;
  }
}
