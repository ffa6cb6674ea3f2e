package dev.shoal.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/kafka-connect-config.md} equal to what {@link ShoalSinkConfig#CONFIG_DEF} says.
 * After changing a key, regenerate it with
 *
 * <pre>
 * mvn -pl kafka-connect-sink -am test -Dtest=ConfigReferenceTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dshoal.docs.update=true
 * </pre>
 */
class ConfigReferenceTest {
  static final Path FILE = Path.of("docs", "kafka-connect-config.md");

  @Test
  void generatedReferenceIsUpToDate() throws IOException {
    Path file = moduleDir().resolve(FILE);
    String expected = render();
    if (Boolean.getBoolean("shoal.docs.update")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, expected, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(file)).as("%s exists", file).isTrue();
    assertThat(Files.readString(file, StandardCharsets.UTF_8))
        .as(
            "%s is stale: regenerate it with -Dtest=ConfigReferenceTest -Dshoal.docs.update=true",
            FILE)
        .isEqualTo(expected);
  }

  @Test
  void documentsEveryPublicKey() {
    String doc = render();
    for (String key : ShoalSinkConfig.publicKeys()) {
      assertThat(doc).contains("`" + key + "`");
    }
    assertThat(doc).doesNotContain(ShoalSinkConfig.TASK_ID);
  }

  static Path moduleDir() {
    String dir = System.getProperty("shoal.module.dir");
    return dir == null ? Path.of("") : Path.of(dir);
  }

  /** The Markdown reference: one table per group, in definition order. */
  static String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Shoal Kafka Connect sink: configuration reference\n\n")
        .append("<!-- Generated from ShoalSinkConfig by ConfigReferenceTest; do not edit. -->\n\n")
        .append("Connector class: `dev.shoal.kafka.ShoalSinkConnector`. Besides these keys, the")
        .append(" worker's own sink settings apply (`topics`, `tasks.max`, converters,")
        .append(" `transforms`, `errors.tolerance`, `errors.deadletterqueue.*`).\n");
    Map<String, List<String>> groups = ShoalSinkConfig.keysByGroup();
    for (Map.Entry<String, List<String>> group : groups.entrySet()) {
      sb.append("\n## ").append(group.getKey()).append("\n\n");
      sb.append("| key | type | default | valid values | importance | description |\n");
      sb.append("|---|---|---|---|---|---|\n");
      for (String name : group.getValue()) {
        ConfigDef.ConfigKey key = ShoalSinkConfig.CONFIG_DEF.configKeys().get(name);
        sb.append("| `")
            .append(key.name)
            .append("` | ")
            .append(key.type.name().toLowerCase(java.util.Locale.ROOT))
            .append(" | ")
            .append(defaultValue(key))
            .append(" | ")
            .append(key.validator == null ? "" : cell(key.validator.toString()))
            .append(" | ")
            .append(key.importance.name().toLowerCase(java.util.Locale.ROOT))
            .append(" | ")
            .append(cell(key.documentation))
            .append(" |\n");
      }
    }
    return sb.toString();
  }

  private static String defaultValue(ConfigDef.ConfigKey key) {
    if (!key.hasDefault()) {
      return "(required)";
    }
    if (key.defaultValue == null) {
      return "(none)";
    }
    String text = ConfigDef.convertToString(key.defaultValue, key.type);
    return text == null || text.isEmpty() ? "\"\"" : "`" + text + "`";
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
