package dev.shoal.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.engine.Consistency;
import dev.shoal.engine.Engine;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.LocalFileStore;
import dev.shoal.examples.Dataset;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.distributed.DistributedHerder;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Kafka Connect walk-through of {@code examples/README.md} with the files of {@code
 * examples/connect} as they are, changing only what a test must (the broker's address, ports, the
 * offsets file, the plugin folder and the data folder): the {@code produce} example, a standalone
 * worker started with the worker and connector files as {@code connect-standalone.sh} would, then a
 * distributed worker with the same connector created over REST from its {@code .json} twin, which
 * resumes where the standalone run stopped.
 */
class ConnectExamplesIT {
  static final Path CONNECT = Path.of("connect");
  static final Path PLUGINS = Path.of("target", "connect-plugins");
  static final NamespacePath NS = NamespacePath.parse("demo/connect/articles");
  static final Duration TIMEOUT = Duration.ofMinutes(2);

  @TempDir Path tmp;

  @Test
  void standaloneThenDistributedWorkerWriteEveryArticleOnce() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    String store = data.toUri().toString();
    try (LocalKafka kafka = LocalKafka.start(tmp.resolve("kafka"))) {
      String bootstrap = kafka.bootstrapServers();
      assertThat(ProduceArticles.run("--bootstrap-servers", bootstrap, "--docs", "600")).isZero();

      // Standalone: worker-standalone.properties + shoal-sink-local.properties.
      Map<String, String> worker = worker("worker-standalone.properties", bootstrap);
      worker.put("offset.storage.file.filename", tmp.resolve("standalone.offsets").toString());
      Path connector = tmp.resolve("shoal-sink-local.properties");
      Map<String, String> props = properties(CONNECT.resolve("shoal-sink-local.properties"));
      props.put("shoal.store.uri", store);
      write(props, connector);
      ConnectStandalone standalone = new ConnectStandalone();
      Connect<StandaloneHerder> first = standalone.startConnect(worker);
      try {
        standalone.processExtraArgs(first, new String[] {connector.toString()});
        awaitApplied(data, 600);
      } finally {
        first.stop();
      }
      assertArticles(data, 600);

      // Distributed: worker-distributed.properties, then POST /connectors with the .json file.
      Connect<DistributedHerder> second =
          new ConnectDistributed().startConnect(worker("worker-distributed.properties", bootstrap));
      try {
        ObjectNode body = (ObjectNode) JsonHttp.JSON.readTree(file("shoal-sink-local.json"));
        ((ObjectNode) body.path("config")).put("shoal.store.uri", store);
        URI url = second.rest().advertisedUrl();
        JsonNode created = new JsonHttp().post(url.resolve("/connectors"), body.toString(), 201);
        assertThat(created.path("name").asText()).isEqualTo("shoal-articles-local");
        // Articles 0-719 again: 600 updates of what is there and 120 new documents.
        assertThat(ProduceArticles.run("--bootstrap-servers", bootstrap, "--docs", "720")).isZero();
        // The distributed run resumes after the 600 records the standalone run applied: every
        // record of the topic is applied exactly once.
        awaitApplied(data, 600 + 720);
      } finally {
        second.stop();
      }
      assertArticles(data, 720);
    }
  }

  /** A worker file with the test's broker, an ephemeral REST port and the build's plugin folder. */
  private static Map<String, String> worker(String name, String bootstrap) throws IOException {
    Map<String, String> worker = properties(CONNECT.resolve(name));
    assertThat(worker).containsKeys("bootstrap.servers", "listeners", "plugin.path");
    worker.put("bootstrap.servers", bootstrap);
    worker.put("listeners", "http://127.0.0.1:0");
    worker.put("plugin.path", PLUGINS.toAbsolutePath().toString());
    return worker;
  }

  private static void awaitApplied(Path data, long records) throws InterruptedException {
    ManifestStore manifests =
        new ManifestStore(new LocalFileStore(data), Clock.systemUTC(), Duration.ofMinutes(10), 10);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    long applied = 0;
    while (System.nanoTime() < deadline) {
      // Sequence numbers are assigned once per applied record: a record applied twice counts twice.
      applied = manifests.readLatest(NS, null).map(m -> m.nextSeq() - 1).orElse(0L);
      if (applied >= records) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(applied).as("records applied to " + NS).isEqualTo(records);
  }

  private static void assertArticles(Path data, int docs) {
    try (Engine engine = Engine.builder().ownedStore(new LocalFileStore(data)).build()) {
      assertThat(engine.getNamespace(NS).docCount()).isEqualTo(docs);
      for (int i : new int[] {0, docs / 2, docs - 1}) {
        Document expected = Dataset.document(Dataset.DEFAULT_SEED, i);
        Document got = engine.getDocument(NS, expected.id(), Consistency.STRONG).orElseThrow();
        assertThat(got.vector()).containsExactly(expected.vector());
        assertThat(got.text()).isEqualTo(expected.text());
        assertThat(got.attrs().get("lang")).isEqualTo(expected.attrs().get("lang"));
        assertThat(got.attrs().get("tags")).isEqualTo(expected.attrs().get("tags"));
      }
    }
  }

  private static String file(String name) throws IOException {
    return Files.readString(CONNECT.resolve(name));
  }

  private static Map<String, String> properties(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    Map<String, String> map = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> map.put(k, p.getProperty(k)));
    return map;
  }

  private static void write(Map<String, String> map, Path file) throws IOException {
    Properties p = new Properties();
    p.putAll(map);
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, null);
    }
  }
}
