package dev.shoal.engine.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.model.Document;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentJsonTest {

  @Test
  void roundTripsEveryField() {
    String json =
        "{\"id\":\"doc-17\",\"vector\":[0.5,-1],\"sparse\":{\"indices\":[901,3],\"values\":[1.25,0.5]},"
            + "\"text\":{\"title\":\"Kafka sinks\"},\"attrs\":{\"lang\":\"en\",\"year\":2024,"
            + "\"tags\":[\"a\",\"b\"],\"price\":9.5,\"ok\":true}}";
    Document d = DocumentJson.parse(json);
    assertThat(d.id()).isEqualTo("doc-17");
    assertThat(d.vector()).containsExactly(0.5f, -1f);
    assertThat(d.sparse().indices()).containsExactly(3, 901);
    assertThat(d.attrs())
        .isEqualTo(
            Map.of(
                "lang", "en", "year", 2024L, "tags", List.of("a", "b"), "price", 9.5, "ok", true));
    assertThat(DocumentJson.parse(DocumentJson.toJson(d))).isEqualTo(d);
  }

  @Test
  void malformedJsonNamesLineAndColumn() {
    assertThatThrownBy(() -> DocumentJson.parse("{\"id\": \"a\",\n \"vector\": [1, 2,]}"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("Malformed JSON in document at line 2, column");
  }

  @Test
  void rejectsNaNTokens() {
    assertThatThrownBy(() -> DocumentJson.parse("{\"id\":\"a\",\"vector\":[NaN]}"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("Malformed JSON");
  }

  @Test
  void rejectsOutOfRangeFloat() {
    assertThatThrownBy(() -> DocumentJson.parse("{\"id\":\"a\",\"vector\":[1e39]}"))
        .hasMessage("Invalid document.vector[0]: not a finite 32-bit float: 1e39");
  }

  @Test
  void rejectsUnknownFieldsAndWrongTypes() {
    assertThatThrownBy(() -> DocumentJson.parse("{\"id\":\"a\",\"vectr\":[1]}"))
        .hasMessage(
            "Invalid document: unknown field \"vectr\"; expected id, vector, sparse, text, attrs");
    assertThatThrownBy(() -> DocumentJson.parse("{\"id\":7}"))
        .hasMessage("Invalid document: \"id\" must be a string, found a number");
    assertThatThrownBy(() -> DocumentJson.parse("{\"id\":\"a\",\"vector\":[1,\"x\"]}"))
        .hasMessage("Invalid document.vector[1]: expected a number, found a string");
    assertThatThrownBy(() -> DocumentJson.parse("{\"vector\":[1]}"))
        .hasMessage("Invalid document: \"id\" is missing");
    assertThatThrownBy(() -> DocumentJson.parse("{\"id\":\"a\",\"attrs\":{\"o\":{\"x\":1}}}"))
        .hasMessageContaining("Invalid document.attrs.o: objects are not attribute values");
    assertThatThrownBy(() -> DocumentJson.parse("{\"id\":\"a\",\"attrs\":{\"o\":null}}"))
        .hasMessageContaining("null is not a value");
  }

  @Test
  void rejectsDeepNesting() {
    String deep = "{\"id\":\"a\",\"attrs\":{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}}";
    assertThatThrownBy(() -> DocumentJson.parse(deep)).isInstanceOf(InvalidRequestException.class);
  }
}
