package dev.shoal.kafka.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamespaceTemplateTest {
  @Test
  void parsesLiteralsAndPlaceholders() {
    NamespaceTemplate t = NamespaceTemplate.parse("acme/${field:tenant}/docs-${topic}-${KEY}");
    assertThat(t.parts())
        .containsExactly(
            new NamespaceTemplate.Literal("acme/"),
            new NamespaceTemplate.Field("tenant"),
            new NamespaceTemplate.Literal("/docs-"),
            new NamespaceTemplate.Topic(),
            new NamespaceTemplate.Literal("-"),
            new NamespaceTemplate.Key());
    assertThat(t.isConstant()).isFalse();
    assertThat(t.dependsOnTopicOnly()).isFalse();
    assertThat(t.usesFields()).isTrue();
  }

  @Test
  void classifiesConstantAndTopicOnlyTemplates() {
    assertThat(NamespaceTemplate.parse("a/b/c").isConstant()).isTrue();
    NamespaceTemplate topic = NamespaceTemplate.parse("a/b/${topic}");
    assertThat(topic.isConstant()).isFalse();
    assertThat(topic.dependsOnTopicOnly()).isTrue();
    assertThat(NamespaceTemplate.parse("a/b/${header:h}").dependsOnTopicOnly()).isFalse();
  }

  @Test
  void rejectsBadSyntaxWithAClearMessage() {
    assertThatThrownBy(() -> NamespaceTemplate.parse(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid namespace template: it is empty");
    assertThatThrownBy(() -> NamespaceTemplate.parse("a/b/${field:}"))
        .hasMessageContaining("unknown placeholder ${field:}");
    assertThatThrownBy(() -> NamespaceTemplate.parse("a/b/c/${topic}"))
        .hasMessageContaining("must expand to org/project/namespace");
    assertThatThrownBy(() -> NamespaceTemplate.parse("_a/b/${topic}"))
        .hasMessageContaining("must not start with");
  }

  @Test
  void expandsWithAResolver() {
    NamespaceTemplate t = NamespaceTemplate.parse("acme/${header:p}/${topic}");
    assertThat(
            t.expand(
                p ->
                    p instanceof NamespaceTemplate.Topic
                        ? "orders"
                        : ((NamespaceTemplate.Header) p).name()))
        .isEqualTo("acme/p/orders");
  }
}
