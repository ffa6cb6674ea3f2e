package dev.shoal.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.kafka.ShoalSinkConnector;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The connector configurations of {@code examples/connect} and the quickstart pass the connector's
 * own validation (with an in-memory store standing in for the folder or bucket), and each JSON file
 * for {@code POST /connectors} says the same as its {@code .properties} twin.
 */
class ConnectorConfigsTest {
  static final Path DIR = Path.of("connect");

  @ParameterizedTest
  @ValueSource(strings = {"shoal-sink-local", "shoal-sink-s3"})
  void standaloneAndDistributedFormsAgreeAndValidate(String name) throws IOException {
    Map<String, String> properties = properties(DIR.resolve(name + ".properties"));
    JsonNode json = JsonHttp.JSON.readTree(DIR.resolve(name + ".json").toFile());
    Map<String, String> fromJson = new LinkedHashMap<>();
    fromJson.put("name", json.path("name").asText());
    json.path("config").properties().forEach(e -> fromJson.put(e.getKey(), e.getValue().asText()));
    assertThat(new TreeMap<>(fromJson)).isEqualTo(new TreeMap<>(properties));
    assertThat(errors(properties)).isEmpty();
  }

  @Test
  void quickstartConfigValidates() {
    Map<String, String> config = new LinkedHashMap<>(Quickstart.connectorConfig("file:///tmp/x"));
    config.put("name", Quickstart.CONNECTOR);
    assertThat(errors(config)).isEmpty();
  }

  @Test
  void validationCatchesAMistake() {
    Map<String, String> config = properties(DIR.resolve("shoal-sink-local.properties"));
    config.put("shoal.namespace", "demo/${topic}");
    assertThat(errors(config)).isNotEmpty().allMatch(e -> e.startsWith("shoal.namespace:"));
  }

  private static List<String> errors(Map<String, String> config) {
    ShoalSinkConnector connector = new ShoalSinkConnector(c -> new InMemoryObjectStore());
    return connector.validate(config).configValues().stream()
        .filter(v -> !v.errorMessages().isEmpty())
        .map((ConfigValue v) -> v.name() + ": " + v.errorMessages())
        .toList();
  }

  private static Map<String, String> properties(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Map<String, String> map = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> map.put(k, p.getProperty(k)));
    return map;
  }
}
