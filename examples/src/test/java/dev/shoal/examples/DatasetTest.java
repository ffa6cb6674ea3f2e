package dev.shoal.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.model.Document;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetTest {
  @Test
  void articleIsTheSameForTheSameSeedAndIndex() {
    assertThat(Dataset.article(42, 17)).isEqualTo(Dataset.article(42, 17));
    assertThat(Dataset.article(42, 17)).isNotEqualTo(Dataset.article(43, 17));
    assertThat(Dataset.article(42, 17).id()).isEqualTo("doc-000017");
  }

  @Test
  void documentIsTheEmbeddedArticle() {
    Dataset.Article a = Dataset.article(Dataset.DEFAULT_SEED, 5);
    Document d = Dataset.document(Dataset.DEFAULT_SEED, 5);
    assertThat(d.id()).isEqualTo(a.id());
    assertThat(d.vector()).containsExactly(Embeddings.embed(a.title() + " " + a.body()));
    assertThat(d.text()).containsEntry("title", a.title()).containsEntry("body", a.body());
    assertThat(d.attrs()).containsOnlyKeys("lang", "year", "price", "tags");
    assertThat(d.attrs().get("lang")).isEqualTo(a.lang());
  }

  @Test
  void valuesStayInTheirRanges() {
    Set<String> langs = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      Dataset.Article a = Dataset.article(Dataset.DEFAULT_SEED, i);
      langs.add(a.lang());
      assertThat(a.year()).isBetween(2018, 2025);
      assertThat(a.price()).isBetween(0.0, 50.0);
      assertThat(a.tags()).hasSize(2);
      assertThat(a.title()).isNotBlank();
    }
    assertThat(langs).containsExactlyInAnyOrder("en", "de", "fr");
  }
}
