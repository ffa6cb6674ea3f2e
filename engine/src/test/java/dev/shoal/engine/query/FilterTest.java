package dev.shoal.engine.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.json.FilterJson;
import dev.shoal.engine.model.Document;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterTest {
  private final Document doc =
      Document.of(
          "doc-1",
          Map.of(
              "lang",
              "en",
              "year",
              2024,
              "price",
              9.5,
              "tags",
              List.of("a", "b"),
              "title",
              "Kafka Sinks"));
  private final Document bare = Document.of("doc-2", Map.of());

  private boolean m(String json, Document d) {
    return FilterJson.parse(json).matches(d);
  }

  @Test
  void equalityAndMissing() {
    assertThat(m("[\"lang\",\"Eq\",\"en\"]", doc)).isTrue();
    assertThat(m("[\"year\",\"Eq\",2024.0]", doc)).isTrue();
    assertThat(m("[\"lang\",\"Eq\",null]", doc)).isFalse();
    assertThat(m("[\"lang\",\"Eq\",null]", bare)).isTrue();
    assertThat(m("[\"lang\",\"NotEq\",null]", doc)).isTrue();
    assertThat(m("[\"lang\",\"NotEq\",\"fr\"]", bare)).isTrue();
    assertThat(m("[\"tags\",\"Eq\",[\"a\",\"b\"]]", doc)).isTrue();
    assertThat(m("[\"id\",\"Eq\",\"doc-1\"]", doc)).isTrue();
  }

  @Test
  void setsAndRanges() {
    assertThat(m("[\"lang\",\"In\",[\"fr\",\"en\"]]", doc)).isTrue();
    assertThat(m("[\"year\",\"In\",[2024.0]]", doc)).isTrue();
    assertThat(m("[\"lang\",\"NotIn\",[\"fr\"]]", doc)).isTrue();
    assertThat(m("[\"year\",\"Gte\",2024]", doc)).isTrue();
    assertThat(m("[\"year\",\"Gt\",2024]", doc)).isFalse();
    assertThat(m("[\"price\",\"Lt\",10]", doc)).isTrue();
    assertThat(m("[\"lang\",\"Lte\",\"en\"]", doc)).isTrue();
    assertThat(m("[\"lang\",\"Lt\",5]", doc)).isFalse();
    assertThat(m("[\"missing\",\"Lt\",5]", doc)).isFalse();
  }

  @Test
  void arraysAndGlobs() {
    assertThat(m("[\"tags\",\"Contains\",\"a\"]", doc)).isTrue();
    assertThat(m("[\"tags\",\"Contains\",\"z\"]", doc)).isFalse();
    assertThat(m("[\"tags\",\"ContainsAny\",[\"z\",\"b\"]]", doc)).isTrue();
    assertThat(m("[\"title\",\"Glob\",\"Kafka*\"]", doc)).isTrue();
    assertThat(m("[\"title\",\"Glob\",\"kafka*\"]", doc)).isFalse();
    assertThat(m("[\"title\",\"IGlob\",\"kafka s?nks\"]", doc)).isTrue();
    assertThat(m("[\"title\",\"Glob\",\"[JK]afka*\"]", doc)).isTrue();
    assertThat(m("[\"title\",\"Glob\",\"Kafka.Sinks\"]", doc)).isFalse();
  }

  private static boolean glob(String pattern, String value) {
    return Filter.Values.globToRegex(pattern, false).matcher(value).matches();
  }

  @Test
  void globSyntax() {
    // * and ?: any run (also empty, also across lines), exactly one code point.
    assertThat(glob("*", "")).isTrue();
    assertThat(glob("a*z", "a\nbz")).isTrue();
    assertThat(glob("a?c", "abc")).isTrue();
    assertThat(glob("a?c", "ac")).isFalse();
    assertThat(glob("a?c", "a\uD83D\uDE00c")).isTrue(); // one emoji, two chars
    assertThat(glob("a*", "ba")).isFalse(); // anchored at both ends
    // Sets: members, ranges, negation with ! or ^, ] first is a member, - last is a member.
    assertThat(glob("[abc]x", "bx")).isTrue();
    assertThat(glob("[a-c]", "d")).isFalse();
    assertThat(glob("[a-cx-z]", "y")).isTrue();
    assertThat(glob("[!a-c]", "d")).isTrue();
    assertThat(glob("[^a-c]", "b")).isFalse();
    assertThat(glob("[]a]", "]")).isTrue();
    assertThat(glob("[!]a]", "]")).isFalse();
    assertThat(glob("[a-]", "-")).isTrue();
    assertThat(glob("[z-a]", "m")).isFalse(); // a reversed range matches nothing
    assertThat(glob("[\u00e9-\u00ea]", "\u00ea")).isTrue();
    // An unclosed [ is itself; regex syntax is literal, inside and outside sets.
    assertThat(glob("a[b", "a[b")).isTrue();
    assertThat(glob("a.c", "abc")).isFalse();
    assertThat(glob("(a|b)+$", "(a|b)+$")).isTrue();
    assertThat(glob("[a&&b]", "&")).isTrue();
    assertThat(glob("[\\d]", "7")).isFalse();
    assertThat(glob("\\Qa\\E", "QaE")).isTrue(); // escapes, not regex quoting
    // Backslash escapes the next character; a trailing one is itself.
    assertThat(glob("a\\*", "a*")).isTrue();
    assertThat(glob("a\\*", "ab")).isFalse();
    assertThat(glob("\\?\\[x]", "?[x]")).isTrue();
    assertThat(glob("a\\\\b", "a\\b")).isTrue();
    assertThat(glob("a\\", "a\\")).isTrue();
    assertThat(glob("[\\]]", "]")).isTrue();
  }

  @Test
  void globOperators() {
    Document d =
        Document.of(
            "x", Map.of("name", "\u00c9cole Kafka", "tags", List.of("red", "blue"), "n", 5));
    assertThat(m("[\"name\",\"Glob\",\"\u00c9cole *\"]", d)).isTrue();
    assertThat(m("[\"name\",\"Glob\",\"\u00e9cole *\"]", d)).isFalse();
    assertThat(m("[\"name\",\"IGlob\",\"\u00e9COLE k?FKA\"]", d)).isTrue();
    assertThat(m("[\"name\",\"IGlob\",\"[\u00e9]*\"]", d)).isTrue();
    assertThat(m("[\"tags\",\"Glob\",\"bl*\"]", d)).isTrue(); // any element
    assertThat(m("[\"tags\",\"Glob\",\"gr*\"]", d)).isFalse();
    assertThat(m("[\"n\",\"Glob\",\"5\"]", d)).isFalse(); // not a string
    assertThat(m("[\"missing\",\"Glob\",\"*\"]", d)).isFalse();
    assertThat(m("[\"id\",\"Glob\",\"?\"]", d)).isTrue();
    assertThat(m("[\"Not\",[\"missing\",\"Glob\",\"*\"]]", d)).isTrue();
  }

  @Test
  void combinators() {
    assertThat(m("[\"And\",[[\"lang\",\"Eq\",\"en\"],[\"year\",\"Gte\",2020]]]", doc)).isTrue();
    assertThat(m("[\"Or\",[[\"lang\",\"Eq\",\"fr\"],[\"year\",\"Lt\",2020]]]", doc)).isFalse();
    assertThat(m("[\"Not\",[\"lang\",\"Eq\",\"fr\"]]", doc)).isTrue();
    assertThat(m("[\"And\",[]]", doc)).isTrue();
  }

  @Test
  void clearErrors() {
    assertThatThrownBy(() -> FilterJson.parse("[\"lang\",\"Equals\",\"en\"]"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("Invalid filter at filters: unknown operator \"Equals\"");
    assertThatThrownBy(() -> FilterJson.parse("[\"lang\",\"In\",\"en\"]"))
        .hasMessageContaining("In needs an array value");
    assertThatThrownBy(() -> FilterJson.parse("[\"And\",[[\"x\"]]]"))
        .hasMessageContaining("Invalid filter at filters[1][0]");
    assertThatThrownBy(() -> FilterJson.parse("{\"lang\":\"en\"}"))
        .hasMessageContaining("expected [attribute, operator, value]");
    assertThatThrownBy(() -> FilterJson.parse("[\"x\",\"Gt\",[1]]"))
        .hasMessageContaining("needs a number or a string");
  }

  @Test
  void jsonRoundTrip() {
    String json = "[\"And\",[[\"lang\",\"Eq\",\"en\"],[\"Not\",[\"year\",\"In\",[1,2]]]]]";
    Filter f = FilterJson.parse(json);
    assertThat(FilterJson.toJson(f).toString()).isEqualTo(json);
  }
}
