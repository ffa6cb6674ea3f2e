package dev.shoal.kafka.it;

import static dev.shoal.kafka.it.ConnectTestSupport.admin;
import static dev.shoal.kafka.it.ConnectTestSupport.appliedRecords;
import static dev.shoal.kafka.it.ConnectTestSupport.assertConnectorRunning;
import static dev.shoal.kafka.it.ConnectTestSupport.awaitAllCommitted;
import static dev.shoal.kafka.it.ConnectTestSupport.producer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.Engine;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.storage.ObjectStores;
import dev.shoal.engine.storage.S3TestServer;
import dev.shoal.kafka.ShoalSinkConnector;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;

/**
 * The happy path once more, on S3: an s3proxy server in this JVM (the engine's {@link
 * S3TestServer}), configured through the connector's {@code shoal.s3.*} keys; keyed inserts, then
 * updates and tombstones into two namespaces, with a connector restart and lost consumer offsets in
 * the middle, and exactly one WAL record per Kafka record.
 */
class S3SinkIT {
  static final Duration TIMEOUT = Duration.ofSeconds(150);

  @Test
  void writesKeyedRecordsWithUpdatesAndTombstonesToS3ExactlyOnce() throws Exception {
    try (S3TestServer s3 = S3TestServer.start();
        ObjectStore store = ObjectStores.open(s3.storeOptions("connect-it"))) {
      EmbeddedConnectCluster connect = ConnectTestSupport.startCluster("shoal-s3", 1);
      try (Admin admin = admin(connect);
          KafkaProducer<String, String> producer = producer(connect);
          Engine reader = ConnectTestSupport.reader(store)) {
        String topic = "s3docs";
        connect.kafka().createTopic(topic, 2);
        // Rounds (each key once per round, a round produced once the last is applied): no write
        // folds two records, so the WAL must hold exactly one record per Kafka record.
        Workload w = new Workload(3, 8, "s").addRound(1_500, 0, 0);
        w.produce(producer, topic, 0, w.ops.size());

        Map<String, String> c = new HashMap<>();
        c.put("name", "s3sink");
        c.put("connector.class", ShoalSinkConnector.class.getName());
        c.put("topics", topic);
        c.put("tasks.max", "2");
        c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter.schemas.enable", "false");
        c.put("header.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("shoal.store.uri", "s3://" + s3.bucket() + "/connect-it");
        c.put("shoal.s3.endpoint", s3.endpoint().toString());
        c.put("shoal.s3.region", S3TestServer.REGION);
        c.put("shoal.s3.path.style.access", "true");
        c.put("shoal.s3.access.key.id", s3.accessKeyId());
        c.put("shoal.s3.secret.access.key", s3.secretAccessKey());
        c.put("shoal.namespace", "acme/s3/${header:tenant}");
        c.put("shoal.text.fields", "title");
        c.put("shoal.flush.interval.ms", "200");
        var validation =
            connect.validateConnectorConfig(ShoalSinkConnector.class.getSimpleName(), c);
        assertThat(validation.errorCount())
            .as(
                "validate() probes S3: %s",
                validation.configs().stream()
                    .filter(v -> !v.configValue().errors().isEmpty())
                    .map(v -> v.configValue().name() + ": " + v.configValue().errors())
                    .toList())
            .isZero();

        connect.configureConnector("s3sink", c);
        assertConnectorRunning(connect, "s3sink", 2);
        awaitAllCommitted(admin, "s3sink", topic, 2, TIMEOUT);
        connect.stopConnector("s3sink");
        connect.assertions().assertConnectorIsStopped("s3sink", "connector did not stop");
        connect.resetConnectorOffsets("s3sink"); // and lose the consumer offsets too
        int from = w.ops.size();
        w.addRound(500, 600, 300); // updates and tombstones of the first round's keys
        w.produce(producer, topic, from, w.ops.size());
        connect.resumeConnector("s3sink");
        assertConnectorRunning(connect, "s3sink", 2);
        awaitAllCommitted(admin, "s3sink", topic, 2, TIMEOUT);

        w.assertNamespaces(reader, "acme", "s3");
        long applied = 0;
        for (String tenant : w.expected.keySet()) {
          applied += appliedRecords(store, NamespacePath.of("acme", "s3", tenant));
        }
        assertThat(applied).as("records applied").isEqualTo(w.ops.size());
        assertThat(store.list("_probe/")).isEmpty();
      } finally {
        connect.stop();
      }
    }
  }
}
