package dev.shoal.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EmbeddingsTest {
  @Test
  void sameTextGivesSameUnitVector() {
    float[] a = Embeddings.embed("Kafka sinks, exactly once");
    float[] b = Embeddings.embed("Kafka sinks, exactly once");
    assertThat(a).hasSize(Embeddings.DIMENSION).containsExactly(b);
    assertThat(norm(a)).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void ignoresCaseAndPunctuation() {
    assertThat(Embeddings.embed("Kafka, SINKS!")).containsExactly(Embeddings.embed("kafka sinks"));
  }

  @Test
  void textsSharingWordsAreCloserThanUnrelatedTexts() {
    float[] query = Embeddings.embed("kafka streaming pipelines");
    double related = dot(query, Embeddings.embed("streaming pipelines with kafka connect"));
    double unrelated = dot(query, Embeddings.embed("bm25 scores of dashboards"));
    assertThat(related).isGreaterThan(unrelated + 0.3);
  }

  @Test
  void emptyTextStillHasAValidVector() {
    float[] v = Embeddings.embed("  ,.; ");
    assertThat(norm(v)).isCloseTo(1.0, within(1e-6));
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double norm(float[] v) {
    return Math.sqrt(dot(v, v));
  }
}
