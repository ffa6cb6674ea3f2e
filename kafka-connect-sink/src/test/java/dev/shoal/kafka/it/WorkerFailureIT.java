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
import dev.shoal.kafka.it.IsolatedEnginesSinkConnector.Opened;
import dev.shoal.kafka.testing.HangingStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker of a two-worker cluster goes away mid-stream while its store hangs: its tasks' writes
 * are stuck in flight, so they cannot finish when the worker stops them; the worker gives up on
 * them and their partitions move to the other worker, which claims them and resumes from the
 * positions stored in the namespace. Once the new owners have written everything, the stuck writes
 * go on, and are fenced. Each task has its own engine ({@link IsolatedEnginesSinkConnector}), as
 * tasks on separate worker processes would. Nothing is lost and nothing is applied twice.
 */
class WorkerFailureIT {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerFailureIT.class);
  static final Duration TIMEOUT = Duration.ofSeconds(150);
  static final String NAME = "failover";

  @Test
  void losingAWorkerWhoseStoreHangsMidFlushNeitherLosesNorDuplicatesRecords() throws Exception {
    Path dir = Files.createTempDirectory("shoal-failover-it");
    String storeUri = dir.toUri().toString();
    ObjectStore store = ObjectStores.open(storeUri);
    // The worker gives up on tasks that do not stop within 3 s (5 s by default).
    EmbeddedConnectCluster connect =
        ConnectTestSupport.startCluster(
            "shoal-failover", 2, Map.of("task.shutdown.graceful.timeout.ms", "3000"));
    List<HangingStore> hung = new ArrayList<>();
    try (Admin admin = admin(connect);
        KafkaProducer<String, String> producer = producer(connect);
        Engine reader = ConnectTestSupport.reader(store)) {
      String topic = "failover";
      int partitions = 4;
      connect.kafka().createTopic(topic, partitions);
      Workload w = new Workload(11, 4, "f-").addRound(8_000, 0, 0);
      w.produce(producer, topic, 0, 4_000);

      Map<String, String> c = new HashMap<>();
      c.put("connector.class", IsolatedEnginesSinkConnector.class.getName());
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
      // A consumer stuck in a task that cannot stop leaves the group after this long.
      c.put("consumer.override.max.poll.interval.ms", "20000");
      connect.configureConnector(NAME, c);
      connect
          .assertions()
          .assertConnectorAndExactlyNumTasksAreRunning(NAME, 4, "connector did not start");

      NamespacePath ns = NamespacePath.parse("acme/failover/docs");
      await(
          "first writes",
          TIMEOUT,
          () -> reader.namespaceExists(ns) && appliedRecords(store, ns) > 1_000);

      // The store of one worker's tasks hangs; more records arrive; their flushes get stuck. The
      // victim's tasks are the instances it created: the status topic may lag a task's move.
      await(
          "one running instance of each task",
          TIMEOUT,
          () -> IsolatedEnginesSinkConnector.running(NAME).size() == 4);
      Map<String, List<Opened>> byWorker =
          IsolatedEnginesSinkConnector.running(NAME).stream()
              .collect(Collectors.groupingBy(o -> o.worker));
      String victimId =
          Collections.max(byWorker.entrySet(), Comparator.comparingInt(e -> e.getValue().size()))
              .getKey();
      WorkerHandle victim = worker(connect, victimId);
      for (Opened o : byWorker.get(victimId)) {
        o.store.hang();
        hung.add(o.store);
      }
      LOG.info(
          "Hung the stores of tasks {} on worker {}",
          byWorker.get(victimId).stream().map(o -> o.task).toList(),
          victimId);
      w.produce(producer, topic, 4_000, 8_000);
      await(
          "a write of the victim's tasks to be stuck in flight",
          TIMEOUT,
          () -> hung.stream().anyMatch(s -> s.stalledCalls() > 0));

      // Stop the worker now: its tasks cannot finish what is in flight.
      CompletableFuture<Void> removal =
          CompletableFuture.runAsync(() -> connect.removeWorker(victim));
      removal.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      connect
          .assertions()
          .assertConnectorAndExactlyNumTasksAreRunning(NAME, 4, "tasks did not move");
      ConnectTestSupport.awaitPositions(admin, reader, NAME, ns, topic, partitions, TIMEOUT);
      assertThat(hung.stream().mapToInt(HangingStore::waitingCalls).sum())
          .as("calls of the old tasks still stuck")
          .isPositive();
      // Only now do the old tasks' stuck writes go on, after the new owners claimed and wrote
      // their partitions: they must be fenced (or be no-ops below the stored positions).
      hung.forEach(HangingStore::release);
      await(
          "the stuck calls to finish",
          TIMEOUT,
          () -> hung.stream().allMatch(s -> s.waitingCalls() == 0));
      assertThat(appliedRecords(store, ns)).as("records applied").isEqualTo(8_000);

      // Updates, tombstones and inserts, written by the remaining worker.
      int from = w.ops.size();
      w.addRound(2_000, 2_000, 1_000);
      w.produce(producer, topic, from, w.ops.size());
      ConnectTestSupport.awaitPositions(admin, reader, NAME, ns, topic, partitions, TIMEOUT);

      w.assertSingleNamespace(reader, ns);
      assertThat(appliedRecords(store, ns)).as("records applied").isEqualTo(w.ops.size());
    } finally {
      IsolatedEnginesSinkConnector.releaseAll();
      connect.stop();
      store.close();
    }
  }

  /** The worker whose REST listener is {@code hostPort}. */
  private static WorkerHandle worker(EmbeddedConnectCluster connect, String hostPort) {
    return connect.workers().stream()
        .filter(w -> hostPort.equals(w.url().getHost() + ":" + w.url().getPort()))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "No worker listens on "
                        + hostPort
                        + "; workers: "
                        + connect.workers().stream().map(WorkerHandle::url).toList()));
  }
}
