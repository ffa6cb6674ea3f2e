package dev.shoal.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.flink.ShoalSinkBuilder;
import dev.shoal.flink.table.ShoalDynamicTableSinkFactory;
import dev.shoal.kafka.ShoalSinkConnector;
import dev.shoal.server.ShoalServer;
import dev.shoal.server.api.ShoalApi;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * The documentation follows the code: every server flag, Flink option and builder method, Connect
 * key and REST endpoint is in the reference pages, and every relative link in the Markdown files
 * points at a file (and heading) that exists.
 */
class DocsTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path CONFIGURATION = ROOT.resolve("docs/configuration.md");

  @Test
  void everyServerFlagIsDocumentedWithItsVariableAndDefault() throws Exception {
    String help = serverHelp();
    Matcher flag = Pattern.compile("(?m)^  --([a-z0-9-]+)").matcher(help);
    Matcher env = Pattern.compile("env (SHOAL_[A-Z0-9_]+)(?:, default (\\S+))?").matcher(help);
    List<String> rows = tableRows(read(CONFIGURATION));
    int flags = 0;
    while (flag.find()) {
      String name = flag.group(1);
      if (name.equals("help")) {
        continue;
      }
      assertThat(env.find()).as("env line of --" + name).isTrue();
      String row =
          rows.stream()
              .filter(r -> r.startsWith("| `--" + name + "`") || r.startsWith("| `--" + name + " "))
              .findFirst()
              .orElseThrow(() -> new AssertionError("--" + name + " is not in configuration.md"));
      assertThat(row).contains("`" + env.group(1) + "`");
      if (env.group(2) != null) {
        assertThat(row).as("default of --" + name).contains("`" + env.group(2) + "`");
      }
      flags++;
    }
    assertThat(flags).isGreaterThan(15);
  }

  @Test
  void everyFlinkSqlOptionAndBuilderMethodIsDocumented() throws IOException {
    String doc = read(CONFIGURATION);
    ShoalDynamicTableSinkFactory factory = new ShoalDynamicTableSinkFactory();
    List<ConfigOption<?>> options = new ArrayList<>(factory.requiredOptions());
    options.addAll(factory.optionalOptions());
    for (ConfigOption<?> o : options) {
      assertThat(doc).as("SQL option " + o.key()).contains("`" + o.key() + "`");
    }
    for (Method m : ShoalSinkBuilder.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && m.getReturnType() == ShoalSinkBuilder.class) {
        assertThat(doc).as("builder method " + m.getName()).contains(m.getName() + "(");
      }
    }
  }

  @Test
  void everyConnectorKeyIsInTheGeneratedReferenceAndTheOverview() throws IOException {
    String overview = read(CONFIGURATION);
    String reference = read(ROOT.resolve("kafka-connect-sink/docs/kafka-connect-config.md"));
    ConfigDef def = new ShoalSinkConnector().config();
    for (ConfigDef.ConfigKey key : def.configKeys().values()) {
      if (key.internalConfig) {
        continue;
      }
      assertThat(reference).as(key.name).contains("`" + key.name + "`");
      assertThat(overview).as(key.name).contains("`" + key.name + "`");
    }
  }

  @Test
  void everyEndpointIsInTheRestApiPage() throws IOException {
    String doc = read(ROOT.resolve("docs/rest-api.md"));
    JsonNode paths = new ObjectMapper().readTree(ShoalApi.openApiDocument()).path("paths");
    int endpoints = 0;
    for (var path : paths.properties()) {
      for (var method : path.getValue().properties()) {
        String line = "`" + method.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey() + "`";
        assertThat(doc).as(line).contains(line);
        endpoints++;
      }
    }
    assertThat(endpoints).isGreaterThanOrEqualTo(18);
  }

  @Test
  void relativeLinksPointAtFilesAndHeadingsThatExist() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    pages.add(ROOT.resolve("examples/README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
    }
    Pattern link = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      Matcher m = link.matcher(read(page));
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("[a-z]+:.*")) {
          continue; // http:, https:, mailto:
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(ROOT.relativize(page) + ": " + target);
        } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
          broken.add(ROOT.relativize(page) + ": " + target + " (no such heading)");
        }
      }
    }
    assertThat(broken).isEmpty();
  }

  /** GitHub's heading anchors of a Markdown file. */
  private static Set<String> anchors(Path file) throws IOException {
    Set<String> anchors = new HashSet<>();
    if (!file.toString().endsWith(".md")) {
      return anchors;
    }
    boolean code = false;
    for (String line : read(file).split("\n")) {
      if (line.startsWith("```")) {
        code = !code;
      } else if (!code && line.startsWith("#")) {
        String title = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
        anchors.add(title.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
      }
    }
    return anchors;
  }

  private static List<String> tableRows(String markdown) {
    return markdown.lines().filter(l -> l.startsWith("| `")).toList();
  }

  private static String serverHelp() throws Exception {
    PrintStream stdout = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      ShoalServer.main(new String[] {"--help"});
    } finally {
      System.setOut(stdout);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file);
  }
}
