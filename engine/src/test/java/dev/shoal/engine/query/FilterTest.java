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
