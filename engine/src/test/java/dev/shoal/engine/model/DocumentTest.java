package dev.shoal.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.InvalidRequestException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentTest {

  @Test
  void normalizesAttributeValues() {
    Document d =
        Document.of(
            "a",
            Map.of(
                "i",
                3,
                "f",
                1.5f,
                "big",
                new BigDecimal("12"),
                "tags",
                List.of("x", 2),
                "b",
                true));
    assertThat(d.attrs())
        .containsEntry("i", 3L)
        .containsEntry("f", 1.5d)
        .containsEntry("big", 12L)
        .containsEntry("tags", List.of("x", 2L))
        .containsEntry("b", true);
    assertThat(d.attrs().keySet()).containsExactly("b", "big", "f", "i", "tags");
  }

  @Test
  void rejectsEmptyId() {
    assertThatThrownBy(() -> Document.of("", Map.of()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("Invalid document: id is missing or empty");
  }

  @Test
  void rejectsIdLongerThan256Bytes() {
    assertThatThrownBy(() -> Document.of("é".repeat(129), Map.of()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("longer than 256 bytes");
    assertThat(Document.of("é".repeat(128), Map.of()).id()).hasSize(128);
  }

  @Test
  void rejectsNonFiniteVectorValues() {
    assertThatThrownBy(() -> Document.of("a", new float[] {1, Float.NaN}, Map.of()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage(
            "Invalid document \"a\": vector value at position 1 is not a finite number: NaN");
    assertThatThrownBy(() -> Document.of("a", new float[] {Float.POSITIVE_INFINITY}, Map.of()))
        .hasMessageContaining("Infinity");
  }

  @Test
  void rejectsEmptyAndHugeVectors() {
    assertThatThrownBy(() -> Document.of("a", new float[0], Map.of()))
        .hasMessageContaining("vector has 0 dimensions");
    assertThatThrownBy(() -> Document.of("a", new float[Document.MAX_DIMENSION + 1], Map.of()))
        .hasMessageContaining("16385 dimensions");
  }

  @Test
  void rejectsNestedAndNonFiniteAttributes() {
    assertThatThrownBy(() -> Document.of("a", Map.of("o", Map.of("x", 1))))
        .hasMessage(
            "Invalid document \"a\": attribute o is an object; only scalars and arrays allowed");
    assertThatThrownBy(() -> Document.of("a", Map.of("l", List.of(List.of(1)))))
        .hasMessageContaining("nested array");
    assertThatThrownBy(() -> Document.of("a", Map.of("n", Double.NaN)))
        .hasMessageContaining("attribute n is not a finite number");
  }

  @Test
  void reservesIdAndDollarNames() {
    assertThatThrownBy(() -> Document.of("a", Map.of("id", "x")))
        .hasMessageContaining("\"id\" is reserved");
    assertThatThrownBy(() -> Document.of("a", Map.of("$x", 1)))
        .hasMessageContaining("must not start with '$'");
  }

  @Test
  void sparseVectorsAreSortedAndChecked() {
    SparseVector s = SparseVector.of(new int[] {5, 1}, new float[] {0.5f, 1f});
    assertThat(s.indices()).containsExactly(1, 5);
    assertThat(s.values()).containsExactly(1f, 0.5f);
    assertThatThrownBy(() -> SparseVector.of(new int[] {1, 1}, new float[] {1, 2}))
        .hasMessageContaining("strictly increasing");
    assertThatThrownBy(() -> new SparseVector(new int[] {1}, new float[] {1, 2}))
        .hasMessageContaining("1 indices but 2 values");
    assertThat(s.dot(new SparseVector(new int[] {5, 9}, new float[] {2, 3}))).isEqualTo(1.0);
  }

  @Test
  void patchMergesAndRemoves() {
    Document base =
        new Document(
            "a", new float[] {1}, null, Map.of("t", "x", "u", "y"), Map.of("k", 1, "j", 2));
    java.util.HashMap<String, Object> attrs = new java.util.HashMap<>();
    attrs.put("k", null);
    attrs.put("m", "new");
    java.util.HashMap<String, String> text = new java.util.HashMap<>();
    text.put("u", null);
    Document after = new DocumentPatch("a", null, null, text, attrs).applyTo(base);
    assertThat(after.attrs()).isEqualTo(Map.of("j", 2L, "m", "new"));
    assertThat(after.text()).isEqualTo(Map.of("t", "x"));
    assertThat(after.vector()).containsExactly(1f);
  }

  @Test
  void namespacePathsRejectTraversalAndBadCharacters() {
    assertThat(NamespacePath.parse("acme/search/docs-v1.2_x").namespace()).isEqualTo("docs-v1.2_x");
    assertThatThrownBy(() -> NamespacePath.parse("acme/search"))
        .hasMessage("Invalid namespace path \"acme/search\": expected org/project/namespace");
    assertThatThrownBy(() -> NamespacePath.of("acme", "search", "a..b"))
        .hasMessageContaining("must not contain '..'");
    assertThatThrownBy(() -> NamespacePath.of("acme", "search", ".."))
        .hasMessageContaining("must not start with");
    assertThatThrownBy(() -> NamespacePath.of("_meta", "search", "x"))
        .hasMessageContaining("organization name \"_meta\": must not start with");
    assertThatThrownBy(() -> NamespacePath.of("acme", "se/arch", "x"))
        .hasMessageContaining("only ASCII letters");
    assertThatThrownBy(() -> NamespacePath.of("acme", "search", "x".repeat(129)))
        .hasMessageContaining("129 characters");
  }
}
