package dev.shoal.kafka.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.kafka.ShoalSinkConfig;
import dev.shoal.kafka.ShoalSinkConnector;
import dev.shoal.kafka.internal.Version;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.runtime.isolation.PluginDesc;
import org.apache.kafka.connect.runtime.isolation.Plugins;
import org.apache.kafka.connect.sink.SinkConnector;
import org.junit.jupiter.api.Test;

/**
 * Checks what {@code mvn package} built: the plugin folder and the component archive hold the sink
 * and its dependencies but nothing the worker provides, and a worker loads the connector from the
 * folder in its own isolated class loader.
 */
class PluginPackagingIT {
  static final Path PLUGIN_DIR = Path.of(System.getProperty("shoal.plugin.dir"));
  static final Path ARCHIVE = Path.of(System.getProperty("shoal.plugin.archive"));

  static List<String> jarNames(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void pluginFolderHoldsTheSinkAndNothingTheWorkerProvides() throws IOException {
    List<String> jars = jarNames(PLUGIN_DIR);
    assertThat(jars)
        .anyMatch(n -> n.startsWith("shoal-kafka-connect-sink-"))
        .anyMatch(n -> n.startsWith("shoal-engine-"))
        .noneMatch(n -> n.startsWith("kafka-clients") || n.startsWith("connect-"))
        .noneMatch(n -> n.startsWith("slf4j") || n.contains("log4j") || n.startsWith("logback"))
        .allMatch(n -> n.endsWith(".jar"));
    Set<String> clashing = new TreeSet<>();
    for (String jar : jars) {
      try (JarFile file = new JarFile(PLUGIN_DIR.resolve(jar).toFile())) {
        Enumeration<JarEntry> entries = file.entries();
        while (entries.hasMoreElements()) {
          String name = entries.nextElement().getName();
          if (name.endsWith(".class")
              && (name.startsWith("org/apache/kafka/")
                  || name.startsWith("org/slf4j/")
                  || name.startsWith("com/google/common/"))) {
            clashing.add(jar + "!" + name);
          }
        }
      }
    }
    assertThat(clashing).as("classes the Connect runtime provides").isEmpty();
  }

  @Test
  void componentArchiveHasManifestLibAndDocs() throws IOException {
    String top = ARCHIVE.getFileName().toString().replaceFirst("\\.zip$", "");
    List<String> lib = new ArrayList<>();
    try (ZipFile zip = new ZipFile(ARCHIVE.toFile())) {
      ZipEntry manifest = zip.getEntry(top + "/manifest.json");
      assertThat(manifest).as("manifest.json").isNotNull();
      JsonNode json;
      try (InputStream in = zip.getInputStream(manifest)) {
        json = new ObjectMapper().readTree(in);
      }
      assertThat(json.path("name").asText()).isEqualTo("shoal-kafka-connect-sink");
      assertThat(json.path("version").asText()).isEqualTo(Version.get());
      assertThat(json.path("component_types").get(0).asText()).isEqualTo("sink");
      assertThat(json.path("owner").path("username").asText()).isEqualTo("dev.shoal");
      for (String doc : List.of("doc/README.md", "doc/kafka-connect-config.md")) {
        ZipEntry e = zip.getEntry(top + "/" + doc);
        assertThat(e).as(doc).isNotNull();
        assertThat(e.getSize()).as(doc).isPositive();
      }
      assertThat(zip.getEntry(top + "/etc/shoal-sink.properties")).isNotNull();
      zip.stream()
          .map(ZipEntry::getName)
          .filter(n -> n.startsWith(top + "/lib/") && n.endsWith(".jar"))
          .forEach(n -> lib.add(n.substring(n.lastIndexOf('/') + 1)));
    }
    assertThat(lib).containsExactlyInAnyOrderElementsOf(jarNames(PLUGIN_DIR));
  }

  @Test
  void workerLoadsTheConnectorFromPluginPathInIsolation() throws Exception {
    Plugins plugins =
        new Plugins(
            Map.of(
                "plugin.path",
                PLUGIN_DIR.getParent().toString(),
                "plugin.discovery",
                "service_load"));
    PluginDesc<SinkConnector> desc =
        plugins.sinkConnectors().stream()
            .filter(d -> d.className().equals(ShoalSinkConnector.class.getName()))
            .filter(d -> d.location().contains(PLUGIN_DIR.getFileName().toString()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("connector not found in " + PLUGIN_DIR));
    assertThat(desc.version()).isEqualTo(Version.get());
    ClassLoader isolated = desc.pluginClass().getClassLoader();
    assertThat(isolated).isNotSameAs(ShoalSinkConnector.class.getClassLoader());
    // The plugin's own dependencies come from its folder; Connect's API from the worker.
    assertThat(isolated.loadClass("dev.shoal.engine.Engine").getClassLoader()).isSameAs(isolated);
    assertThat(isolated.loadClass(Connector.class.getName())).isSameAs(Connector.class);
    Connector connector = (Connector) desc.pluginClass().getDeclaredConstructor().newInstance();
    assertThat(connector.config().configKeys()).containsKey(ShoalSinkConfig.STORE_URI);
    assertThat(
            new String(
                isolated
                    .getResourceAsStream(
                        "META-INF/services/org.apache.kafka.connect.sink.SinkConnector")
                    .readAllBytes(),
                StandardCharsets.UTF_8))
        .contains(ShoalSinkConnector.class.getName());
  }
}
