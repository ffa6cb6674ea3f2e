package dev.shoal.engine.query;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.model.Attributes;
import dev.shoal.engine.model.Document;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A boolean condition on documents: comparisons of one attribute (or {@code id}) with a value,
 * combined with {@link And}, {@link Or} and {@link Not}. The JSON form is in API.md ({@code [attr,
 * Op, value]}, {@code ["And", [...]]}).
 *
 * <p>Semantics, for an attribute {@code x}:
 *
 * <ul>
 *   <li>{@code Eq}/{@code NotEq}: exact equality of the whole value (numbers compare by value, so
 *       {@code 3} equals {@code 3.0}); {@code ["x","Eq",null]} matches documents without {@code x}
 *       and {@code NotEq null} those that have it. {@code NotEq} and {@code NotIn} are the
 *       negations of {@code Eq} and {@code In}, so they also match documents without {@code x}.
 *   <li>{@code In}/{@code NotIn}: the value is one of a list.
 *   <li>{@code Lt Lte Gt Gte}: numbers with numbers, strings with strings (by code point); an array
 *       attribute matches if any element does; missing or other types never match.
 *   <li>{@code Contains}: an array attribute has the element (a scalar attribute equals it); {@code
 *       ContainsAny}: it has any of a list.
 *   <li>{@code Glob}/{@code IGlob}: the whole string matches a glob ({@code *}, {@code ?}, sets
 *       such as {@code [a-c]} and {@code [!abc]}, {@code \} escapes; see {@link
 *       Values#globToRegex}), IGlob ignoring case; an array matches if any element does.
 * </ul>
 *
 * All implementations are immutable and thread-safe.
 */
public sealed interface Filter {

  /** Whether the document passes. */
  boolean matches(Document doc);

  /** Every condition holds (true when empty). */
  record And(List<Filter> filters) implements Filter {
    public And {
      filters = List.copyOf(requireNonNull(filters, "filters is null"));
    }

    @Override
    public boolean matches(Document doc) {
      for (Filter f : filters) {
        if (!f.matches(doc)) {
          return false;
        }
      }
      return true;
    }
  }

  /** Some condition holds (false when empty). */
  record Or(List<Filter> filters) implements Filter {
    public Or {
      filters = List.copyOf(requireNonNull(filters, "filters is null"));
    }

    @Override
    public boolean matches(Document doc) {
      for (Filter f : filters) {
        if (f.matches(doc)) {
          return true;
        }
      }
      return false;
    }
  }

  /** The condition does not hold. */
  record Not(Filter filter) implements Filter {
    public Not {
      requireNonNull(filter, "filter is null");
    }

    @Override
    public boolean matches(Document doc) {
      return !filter.matches(doc);
    }
  }

  /** The comparison operators of API.md. */
  enum Op {
    Eq,
    NotEq,
    In,
    NotIn,
    Lt,
    Lte,
    Gt,
    Gte,
    Contains,
    ContainsAny,
    Glob,
    IGlob;

    /** Parses an operator name exactly as API.md spells it. */
    public static Op parse(String name) {
      for (Op op : values()) {
        if (op.name().equals(name)) {
          return op;
        }
      }
      throw new InvalidRequestException(
          "Invalid filter: unknown operator \""
              + name
              + "\"; expected one of "
              + List.of(values()));
    }
  }

  /**
   * One attribute compared with a value.
   *
   * @param attr the attribute name, or {@code id} for the document id
   * @param op the operator
   * @param value a normalized attribute value (see {@link Attributes}), a list for {@code In},
   *     {@code NotIn} and {@code ContainsAny}, a string for globs, or null for {@code Eq}/{@code
   *     NotEq} of a missing attribute
   */
  record Compare(String attr, Op op, Object value, Pattern glob, Set<Object> set)
      implements Filter {

    public Compare {
      requireNonNull(attr, "attr is null");
      requireNonNull(op, "op is null");
    }

    /**
     * Builds and checks a comparison.
     *
     * @throws InvalidRequestException if the value does not fit the operator
     */
    public static Compare of(String attr, Op op, Object value) {
      if (attr == null || attr.isEmpty()) {
        throw new InvalidRequestException("Invalid filter: attribute name is empty");
      }
      Object normalized = value == null ? null : Attributes.normalizeValue(value, attr, "(filter)");
      switch (op) {
        case Eq, NotEq:
          return new Compare(attr, op, normalized, null, null);
        case In, NotIn, ContainsAny:
          if (!(normalized instanceof List<?> list)) {
            throw new InvalidRequestException(
                "Invalid filter on " + attr + ": " + op + " needs an array value, got " + value);
          }
          Set<Object> set = new HashSet<>();
          for (Object o : list) {
            set.add(Values.key(o));
          }
          return new Compare(attr, op, normalized, null, set);
        case Lt, Lte, Gt, Gte:
          if (!(normalized instanceof Number) && !(normalized instanceof String)) {
            throw new InvalidRequestException(
                "Invalid filter on "
                    + attr
                    + ": "
                    + op
                    + " needs a number or a string, got "
                    + value);
          }
          return new Compare(attr, op, normalized, null, null);
        case Contains:
          if (normalized == null || normalized instanceof List<?>) {
            throw new InvalidRequestException(
                "Invalid filter on " + attr + ": Contains needs a scalar value, got " + value);
          }
          return new Compare(attr, op, normalized, null, null);
        case Glob, IGlob:
          if (!(normalized instanceof String pattern)) {
            throw new InvalidRequestException(
                "Invalid filter on " + attr + ": " + op + " needs a string pattern, got " + value);
          }
          return new Compare(
              attr, op, normalized, Values.globToRegex(pattern, op == Op.IGlob), null);
        default:
          throw new AssertionError(op);
      }
    }

    @Override
    public boolean matches(Document doc) {
      Object actual = attr.equals("id") ? doc.id() : doc.attrs().get(attr);
      return test(actual);
    }

    /** Tests a value as the attribute's value (null when missing). */
    public boolean test(Object actual) {
      switch (op) {
        case Eq:
          return value == null ? actual == null : Values.equal(actual, value);
        case NotEq:
          return value == null ? actual != null : !Values.equal(actual, value);
        case In:
          return actual != null && set.contains(Values.key(actual));
        case NotIn:
          return actual == null || !set.contains(Values.key(actual));
        case Lt, Lte, Gt, Gte:
          return anyElement(actual, this::compareScalar);
        case Contains:
          return actual instanceof List<?> list
              ? containsEqual(list, value)
              : actual != null && Values.equal(actual, value);
        case ContainsAny:
          if (actual instanceof List<?> list) {
            for (Object o : list) {
              if (set.contains(Values.key(o))) {
                return true;
              }
            }
            return false;
          }
          return actual != null && set.contains(Values.key(actual));
        case Glob, IGlob:
          return anyElement(actual, o -> o instanceof String s && glob.matcher(s).matches());
        default:
          throw new AssertionError(op);
      }
    }

    private boolean compareScalar(Object actual) {
      int c;
      if (actual instanceof Number a && value instanceof Number b) {
        c = Values.compareNumbers(a, b);
      } else if (actual instanceof String a && value instanceof String b) {
        c = a.compareTo(b);
      } else {
        return false;
      }
      switch (op) {
        case Lt:
          return c < 0;
        case Lte:
          return c <= 0;
        case Gt:
          return c > 0;
        default:
          return c >= 0;
      }
    }

    private static boolean anyElement(Object actual, java.util.function.Predicate<Object> test) {
      if (actual instanceof List<?> list) {
        for (Object o : list) {
          if (test.test(o)) {
            return true;
          }
        }
        return false;
      }
      return actual != null && test.test(actual);
    }

    private static boolean containsEqual(List<?> list, Object value) {
      for (Object o : list) {
        if (Values.equal(o, value)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Compare c
          && attr.equals(c.attr)
          && op == c.op
          && java.util.Objects.equals(value, c.value);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(attr, op, value);
    }

    @Override
    public String toString() {
      return "[" + attr + ", " + op + ", " + value + "]";
    }
  }

  /** Helpers for comparing normalized attribute values. */
  final class Values {
    private Values() {}

    /** Equality where numbers compare by value and lists element-wise. */
    public static boolean equal(Object a, Object b) {
      if (a instanceof Number x && b instanceof Number y) {
        return compareNumbers(x, y) == 0;
      }
      if (a instanceof List<?> x && b instanceof List<?> y) {
        if (x.size() != y.size()) {
          return false;
        }
        for (int i = 0; i < x.size(); i++) {
          if (!equal(x.get(i), y.get(i))) {
            return false;
          }
        }
        return true;
      }
      return a != null && a.equals(b);
    }

    /** A hash key consistent with {@link #equal} for scalars: integral doubles become longs. */
    public static Object key(Object v) {
      if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) {
        return d.longValue();
      }
      if (v instanceof List<?> list) {
        List<Object> out = new ArrayList<>(list.size());
        for (Object o : list) {
          out.add(key(o));
        }
        return out;
      }
      return v;
    }

    public static int compareNumbers(Number a, Number b) {
      if (a instanceof Long x && b instanceof Long y) {
        return Long.compare(x, y);
      }
      return Double.compare(a.doubleValue(), b.doubleValue());
    }

    /**
     * Translates a glob into an anchored regular expression over the whole string: {@code *} any
     * run of characters (also empty), {@code ?} one character (code point), {@code [abc]} one of a
     * set, with ranges ({@code [a-z]}) and negation ({@code [!abc]} or {@code [^abc]}); a {@code ]}
     * first in a set is a member, a {@code [} without a closing {@code ]} is itself, and {@code \}
     * makes the next character literal. Every other character, regex syntax included, stands for
     * itself. Never throws: every pattern is a valid glob.
     */
    public static Pattern globToRegex(String glob, boolean ignoreCase) {
      StringBuilder re = new StringBuilder();
      int[] cps = glob.codePoints().toArray();
      for (int i = 0; i < cps.length; i++) {
        int c = cps[i];
        if (c == '*') {
          re.append(".*");
        } else if (c == '?') {
          re.append('.');
        } else if (c == '\\' && i + 1 < cps.length) {
          literal(re, cps[++i]);
        } else if (c == '[') {
          int end = classEnd(cps, i);
          if (end < 0) {
            literal(re, c);
          } else {
            appendClass(re, cps, i + 1, end);
            i = end;
          }
        } else {
          literal(re, c);
        }
      }
      int flags = Pattern.DOTALL;
      if (ignoreCase) {
        flags |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
      }
      return Pattern.compile(re.toString(), flags);
    }

    /** The index of the {@code ]} closing the set opened at {@code open}, or -1. */
    private static int classEnd(int[] cps, int open) {
      int i = open + 1;
      if (i < cps.length && (cps[i] == '!' || cps[i] == '^')) {
        i++;
      }
      if (i < cps.length && cps[i] == ']') {
        i++; // a member, not the end
      }
      for (; i < cps.length; i++) {
        if (cps[i] == '\\') {
          i++;
        } else if (cps[i] == ']') {
          return i;
        }
      }
      return -1;
    }

    /** Appends the set between {@code from} (after the {@code [}) and {@code end} (its ]). */
    private static void appendClass(StringBuilder re, int[] cps, int from, int end) {
      boolean negated = cps[from] == '!' || cps[from] == '^';
      int i = negated ? from + 1 : from;
      StringBuilder members = new StringBuilder();
      boolean first = true;
      while (i < end) {
        int lo = cps[i];
        if (lo == '\\' && i + 1 < end) {
          lo = cps[++i];
        } else if (lo == ']' && !first) {
          break;
        }
        first = false;
        i++;
        if (i + 1 < end && cps[i] == '-') {
          int hi = cps[i + 1];
          int next = i + 2;
          if (hi == '\\' && next < end) {
            hi = cps[next++];
          }
          if (lo <= hi) { // a reversed range matches nothing
            members.append(hex(lo)).append('-').append(hex(hi));
          }
          i = next;
        } else {
          members.append(hex(lo));
        }
      }
      if (members.length() == 0) {
        re.append(negated ? "." : "(?!)");
      } else {
        re.append(negated ? "[^" : "[").append(members).append(']');
      }
    }

    private static void literal(StringBuilder re, int c) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        re.appendCodePoint(c);
      } else {
        re.append(hex(c));
      }
    }

    private static String hex(int c) {
      return "\\x{" + Integer.toHexString(c) + "}";
    }
  }
}
