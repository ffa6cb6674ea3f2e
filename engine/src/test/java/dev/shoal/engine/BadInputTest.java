package dev.shoal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.json.DocumentJson;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.InMemoryObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every kind of bad input fails with a clear message and leaves the namespace as it was. */
class BadInputTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final Engine engine =
      Engine.builder()
          .store(store)
          .config(EngineConfig.builder().maxBatchDocs(100).build())
          .build();
  private final NamespacePath ns = NamespacePath.parse("acme/bad/docs");
  private long version;
  private int objects;

  @BeforeEach
  void seed() {
    engine.write(
        ns, WriteRequest.upsert(List.of(Document.of("a", new float[] {1, 2, 3}, Map.of()))));
    version = engine.getNamespace(ns).version();
    objects = store.list("").size();
  }

  @AfterEach
  void unchanged() {
    assertThat(engine.getNamespace(ns).version()).isEqualTo(version);
    assertThat(engine.getNamespace(ns).docCount()).isEqualTo(1);
    assertThat(store.list("")).hasSize(objects);
    engine.close();
  }

  private void writeJson(String... docs) {
    List<Document> parsed = new ArrayList<>();
    for (String d : docs) {
      parsed.add(DocumentJson.parse(d));
    }
    engine.write(ns, WriteRequest.upsert(parsed));
  }

  @Test
  void wrongDimension() {
    assertThatThrownBy(() -> writeJson("{\"id\":\"b\",\"vector\":[1,2]}"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage(
            "Cannot write to acme/bad/docs: vectors of dimension 2 do not match the namespace's"
                + " dimension 3");
  }

  @Test
  void mixedDimensionsInOneBatch() {
    assertThatThrownBy(
            () -> writeJson("{\"id\":\"b\",\"vector\":[1,2,3]}", "{\"id\":\"c\",\"vector\":[1]}"))
        .hasMessage(
            "Cannot write to acme/bad/docs: document \"c\" has a 1-dimensional vector but document"
                + " \"b\" in the same batch has 3");
  }

  @Test
  void emptyId() {
    assertThatThrownBy(() -> writeJson("{\"id\":\"\",\"vector\":[1,2,3]}"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("Invalid document: id is missing or empty");
  }

  @Test
  void nanAndInfinity() {
    assertThatThrownBy(() -> writeJson("{\"id\":\"b\",\"vector\":[1,NaN,3]}"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("Malformed JSON");
    assertThatThrownBy(
            () ->
                engine.write(
                    ns,
                    WriteRequest.upsert(
                        List.of(Document.of("b", new float[] {1, Float.NaN, 3}, Map.of())))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("not a finite number: NaN");
  }

  @Test
  void oversizeBatch() {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      docs.add(Document.of("d" + i, Map.of()));
    }
    assertThatThrownBy(() -> engine.write(ns, WriteRequest.upsert(docs)))
        .isInstanceOf(RequestTooLargeException.class)
        .hasMessage(
            "Cannot write to acme/bad/docs: the batch has 101 records, more than the limit of 100");
  }

  @Test
  void badPathComponents() {
    for (String bad : List.of("..", "a/b", "", "-x", "x y", "%2e%2e")) {
      assertThatThrownBy(() -> NamespacePath.of("acme", "bad", bad))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageStartingWith("Invalid namespace name");
    }
  }

  @Test
  void malformedJsonDocument() {
    assertThatThrownBy(() -> writeJson("{\"id\":\"b\", \"vector\": [1,2,3"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("Malformed JSON in document");
    assertThatThrownBy(() -> writeJson("[1,2,3]"))
        .hasMessage("Invalid document: expected a JSON object, found an array");
  }

  @Test
  void emptyWrite() {
    assertThatThrownBy(() -> engine.write(ns, WriteRequest.builder().build()))
        .hasMessage("Invalid write: it has no upserts, patches, deletes or delete_by_filter");
  }

  @Test
  void metricMismatch() {
    assertThatThrownBy(
            () ->
                engine.write(
                    ns,
                    WriteRequest.builder()
                        .upsert(Document.of("b", Map.of()))
                        .distanceMetric(dev.shoal.engine.model.DistanceMetric.DOT)
                        .build()))
        .hasMessageContaining("asks for distance metric dot but the namespace uses cosine");
  }
}
