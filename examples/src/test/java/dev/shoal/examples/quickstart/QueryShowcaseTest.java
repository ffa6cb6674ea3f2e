package dev.shoal.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.examples.Embeddings;
import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class QueryShowcaseTest {
  @Test
  void requestBodiesCarryTheEmbeddingAndDisplayShowsTheText() throws Exception {
    for (QueryShowcase.Example e : QueryShowcase.examples()) {
      String display = QueryShowcase.render(e.body(), true);
      JsonNode request = JsonHttp.JSON.readTree(QueryShowcase.render(e.body(), false));
      assertThat(request.path("top_k").asInt()).isEqualTo(5);
      if (display.contains("embed(")) {
        assertThat(request.toString()).doesNotContain("embed(");
        JsonNode rankBy =
            request.has("queries")
                ? request.path("queries").get(0).path("rank_by")
                : request.path("rank_by");
        assertThat(rankBy.get(2)).hasSize(Embeddings.DIMENSION);
      }
    }
    assertThat(QueryShowcase.render(QueryShowcase.examples().get(0).body(), true))
        .startsWith("{\"rank_by\":[\"vector\",\"ANN\",embed(\"kafka streaming pipelines\")]");
  }

  @Test
  void numbersAreShort() {
    assertThat(QueryShowcase.number(0f)).isEqualTo("0");
    assertThat(QueryShowcase.number(-0.00001f)).isEqualTo("0");
    assertThat(QueryShowcase.number(0.29490f)).isEqualTo("0.2949");
    assertThat(QueryShowcase.number(-0.5f)).isEqualTo("-0.5");
  }

  @Test
  void curlCommandsSendJsonBodiesWithTheirContentType() throws Exception {
    List<String> lines =
        QueryShowcase.curlCommands(
            URI.create("http://127.0.0.1:8080"),
            "/v1/namespaces/demo/quickstart/articles",
            URI.create("http://127.0.0.1:8083/"),
            "shoal-quickstart");
    assertThat(lines.get(0))
        .isEqualTo(
            "S=http://127.0.0.1:8080; NS=$S/v1/namespaces/demo/quickstart/articles;"
                + " H='Content-Type: application/json'");
    Pattern body = Pattern.compile("-d '([^']*)'");
    int posts = 0;
    for (String line : lines) {
      if (line.contains("-X POST")) {
        posts++;
        assertThat(line).contains("-H \"$H\"");
        Matcher m = body.matcher(line);
        assertThat(m.find()).as(line).isTrue();
        JsonHttp.JSON.readTree(m.group(1)); // valid JSON
      }
    }
    assertThat(posts).isEqualTo(3);
    assertThat(lines)
        .contains(
            "curl -s http://127.0.0.1:8083/connectors/shoal-quickstart/status   # the"
                + " Connect worker");
  }
}
