package dev.shoal.kafka.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.Engine;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.storage.ObjectStores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.MountableFile;

/**
 * The happy path as a user installs it: the packaged plugin folder is copied into a stock Apache
 * Kafka Connect worker container under its {@code plugin.path}, the connector is created over REST,
 * and the namespaces are read back from the host through a shared folder. Needs Docker; skipped
 * cleanly without it.
 */
@Testcontainers(disabledWithoutDocker = true)
class KafkaConnectDockerIT {
  static final String IMAGE = "apache/kafka:4.3.1"; // the Kafka version of the build
  static final Duration TIMEOUT = Duration.ofMinutes(3);

  @Test
  void installedFromPluginPathTheConnectorWritesKeyedRecordsIntoTwoNamespaces() throws Exception {
    Path pluginDir = Path.of(System.getProperty("shoal.plugin.dir"));
    Path data = Files.createTempDirectory("shoal-docker-it");
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
    try (Network network = Network.newNetwork();
        KafkaContainer kafka =
            new KafkaContainer(IMAGE).withNetwork(network).withListener("kafka:19092");
        GenericContainer<?> connect =
            new GenericContainer<>(IMAGE)
                .withNetwork(network)
                .withExposedPorts(8083)
                .withCopyFileToContainer(
                    MountableFile.forHostPath(pluginDir), "/opt/plugins/shoal-kafka-connect-sink")
                .withFileSystemBind(data.toString(), "/data", BindMode.READ_WRITE)
                .withCopyToContainer(Transferable.of(workerProperties()), "/tmp/worker.properties")
                .withCommand("/opt/kafka/bin/connect-distributed.sh", "/tmp/worker.properties")
                .waitingFor(Wait.forHttp("/connector-plugins").forStatusCode(200))
                .withStartupTimeout(TIMEOUT)) {
      kafka.start();
      connect.dependsOn(kafka);
      connect.start();
      String rest = "http://" + connect.getHost() + ":" + connect.getMappedPort(8083);
      HttpClient http = HttpClient.newHttpClient();
      String plugins =
          http.send(
                  HttpRequest.newBuilder(URI.create(rest + "/connector-plugins")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(plugins).contains("dev.shoal.kafka.ShoalSinkConnector");

      Workload w = new Workload(5, 8, "d").add(5_000, true);
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers());
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
      p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
        w.produce(producer, "docs", 0, w.ops.size());
      }
      String body =
          """
          {"name": "shoal", "config": {
            "connector.class": "dev.shoal.kafka.ShoalSinkConnector",
            "tasks.max": "2", "topics": "docs",
            "key.converter": "org.apache.kafka.connect.storage.StringConverter",
            "value.converter": "org.apache.kafka.connect.storage.StringConverter",
            "header.converter": "org.apache.kafka.connect.storage.StringConverter",
            "shoal.store.uri": "file:///data",
            "shoal.namespace": "acme/docker/${header:tenant}",
            "shoal.text.fields": "title",
            "shoal.flush.interval.ms": "200"}}
          """;
      HttpResponse<String> created =
          http.send(
              HttpRequest.newBuilder(URI.create(rest + "/connectors"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

      try (ObjectStore store = ObjectStores.open(data.toUri().toString());
          Engine reader = Engine.builder().store(store).build()) {
        ConnectTestSupport.await(
            "all documents in the namespaces",
            TIMEOUT,
            () -> {
              try {
                w.assertNamespaces(reader, "acme", "docker");
                return true;
              } catch (AssertionError | RuntimeException notYet) {
                return false;
              }
            });
        w.assertNamespaces(reader, "acme", "docker");
        assertThat(reader.namespaceExists(NamespacePath.of("acme", "docker", "tenant-a"))).isTrue();
      }
    }
  }

  private static String workerProperties() {
    return String.join(
        "\n",
        "bootstrap.servers=kafka:19092",
        "group.id=shoal-docker-it",
        "config.storage.topic=connect-configs",
        "offset.storage.topic=connect-offsets",
        "status.storage.topic=connect-status",
        "config.storage.replication.factor=1",
        "offset.storage.replication.factor=1",
        "status.storage.replication.factor=1",
        "offset.flush.interval.ms=1000",
        "key.converter=org.apache.kafka.connect.storage.StringConverter",
        "value.converter=org.apache.kafka.connect.storage.StringConverter",
        "plugin.path=/opt/plugins",
        "listeners=http://0.0.0.0:8083",
        "");
  }
}
