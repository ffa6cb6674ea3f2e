package dev.shoal.kafka.it;

import static dev.shoal.kafka.it.ConnectTestSupport.admin;
import static dev.shoal.kafka.it.ConnectTestSupport.appliedRecords;
import static dev.shoal.kafka.it.ConnectTestSupport.await;
import static dev.shoal.kafka.it.ConnectTestSupport.producer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.Engine;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.storage.ObjectStores;
import dev.shoal.kafka.ShoalSinkConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.Test;

/**
 * A worker of a two-worker cluster goes away mid-stream: its tasks' partitions move to the other
 * worker, which resumes from the positions stored in the namespace; nothing is lost and nothing is
 * applied twice.
 */
class WorkerFailureIT {
  static final Duration TIMEOUT = Duration.ofSeconds(150);

  @Test
  void losingAWorkerMidStreamNeitherLosesNorDuplicatesRecords() throws Exception {
    Path dir = Files.createTempDirectory("shoal-failover-it");
    String storeUri = dir.toUri().toString();
    ObjectStore store = ObjectStores.open(storeUri);
    EmbeddedConnectCluster connect = ConnectTestSupport.startCluster("shoal-failover", 2);
    try (Admin admin = admin(connect);
        KafkaProducer<String, String> producer = producer(connect);
        Engine reader = ConnectTestSupport.reader(store)) {
      String topic = "failover";
      int partitions = 4;
      connect.kafka().createTopic(topic, partitions);
      Workload w = new Workload(11, 4, "f-").add(16_000, false);
      w.produce(producer, topic, 0, 8_000);

      Map<String, String> c = new HashMap<>();
      c.put("connector.class", ShoalSinkConnector.class.getName());
      c.put("topics", topic);
      c.put("tasks.max", "4");
      c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
      c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
      c.put("value.converter.schemas.enable", "false");
      c.put("shoal.store.uri", storeUri);
      c.put("shoal.namespace", "acme/failover/docs");
      c.put("shoal.text.fields", "title");
      c.put("shoal.batch.max.docs", "100");
      c.put("shoal.flush.interval.ms", "100");
      connect.configureConnector("failover", c);
      connect
          .assertions()
          .assertConnectorAndExactlyNumTasksAreRunning("failover", 4, "connector did not start");

      NamespacePath ns = NamespacePath.parse("acme/failover/docs");
      await(
          "first writes",
          TIMEOUT,
          () -> reader.namespaceExists(ns) && appliedRecords(store, ns) > 1_000);
      // Take a worker away while records are flowing; its tasks move to the other worker.
      WorkerHandle victim = connect.workers().iterator().next();
      connect.removeWorker(victim);
      w.produce(producer, topic, 8_000, 16_000);
      ConnectTestSupport.awaitPositions(admin, reader, "failover", ns, topic, partitions, TIMEOUT);

      w.assertSingleNamespace(reader, ns);
      assertThat(appliedRecords(store, ns)).as("records applied").isEqualTo(16_000);
    } finally {
      connect.stop();
      store.close();
    }
  }
}
