package dev.shoal.kafka.it;

import static dev.shoal.kafka.it.ConnectTestSupport.admin;
import static dev.shoal.kafka.it.ConnectTestSupport.appliedRecords;
import static dev.shoal.kafka.it.ConnectTestSupport.assertConnectorRunning;
import static dev.shoal.kafka.it.ConnectTestSupport.await;
import static dev.shoal.kafka.it.ConnectTestSupport.awaitAllCommitted;
import static dev.shoal.kafka.it.ConnectTestSupport.producer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.Engine;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.storage.ObjectStores;
import dev.shoal.kafka.ShoalSinkConnector;
import dev.shoal.kafka.ShoalSinkTask;
import dev.shoal.kafka.SinkTaskAccess;
import dev.shoal.kafka.metrics.SinkTaskMetrics;
import dev.shoal.kafka.testing.FakeSinkTaskContext;
import dev.shoal.kafka.write.SinkWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The connector in a real Connect worker on a real KRaft broker (both in this JVM): the happy path,
 * exactly-once across restarts and lost offset commits, and rejected records.
 */
class ShoalSinkConnectorIT {
  static final Duration TIMEOUT = Duration.ofSeconds(120);

  static Path storeDir;
  static String storeUri;

  static EmbeddedConnectCluster connect;
  static ObjectStore store;
  static Engine reader;
  static Admin admin;
  static KafkaProducer<String, String> producer;

  @BeforeAll
  static void start() throws Exception {
    storeDir = Files.createTempDirectory("shoal-connect-it");
    storeUri = storeDir.toUri().toString();
    store = ObjectStores.open(storeUri);
    connect = ConnectTestSupport.startCluster("shoal-it", 1);
    reader = ConnectTestSupport.reader(store);
    admin = admin(connect);
    producer = producer(connect);
  }

  @AfterAll
  static void stop() {
    if (producer != null) {
      producer.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (connect != null) {
      connect.stop();
    }
    if (reader != null) {
      reader.close();
    }
    if (store != null) {
      store.close();
    }
  }

  static Map<String, String> sinkConfig(String topic, String namespace) {
    Map<String, String> c = new HashMap<>();
    c.put("connector.class", ShoalSinkConnector.class.getName());
    c.put("topics", topic);
    c.put("tasks.max", "2");
    c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    c.put("value.converter.schemas.enable", "false");
    c.put("header.converter", "org.apache.kafka.connect.storage.StringConverter");
    c.put("shoal.store.uri", storeUri);
    c.put("shoal.namespace", namespace);
    c.put("shoal.text.fields", "title");
    c.put("shoal.flush.interval.ms", "200");
    c.put("shoal.batch.max.docs", "500");
    return c;
  }

  @Test
  void writesTwentyThousandKeyedRecordsWithUpdatesAndTombstonesIntoTwoNamespaces()
      throws Exception {
    String topic = "happy";
    connect.kafka().createTopic(topic, 4);
    Workload w = new Workload(42, 8, "k").add(20_000, true);
    w.produce(producer, topic, 0, w.ops.size());
    connect.configureConnector("happy", sinkConfig(topic, "acme/happy/${header:tenant}"));
    assertConnectorRunning(connect, "happy", 2);
    awaitAllCommitted(admin, "happy", topic, 4, TIMEOUT);

    assertThat(ConnectTestSupport.namespaces(reader, "acme", "happy"))
        .containsExactlyInAnyOrder("tenant-a", "tenant-b");
    w.assertNamespaces(reader, "acme", "happy");
    assertThat(w.documents()).isGreaterThan(10_000);

    // Metrics over JMX, one bean per task (one task may have had nothing left to write).
    long written = 0;
    for (String task : List.of("0", "1")) {
      written +=
          (Long)
              ManagementFactory.getPlatformMBeanServer()
                  .getAttribute(SinkTaskMetrics.objectName("happy", task), "RecordsWritten");
    }
    assertThat(written).isPositive();
    connect.deleteConnector("happy");
  }

  @Test
  void appliesEveryRecordExactlyOnceAcrossRestartsAndLostOffsetCommits() throws Exception {
    // ${topic} without transformations: the namespace is known at open(), which rewinds.
    runExactlyOnceScenario("eos", "acme/eos/${topic}", NamespacePath.parse("acme/eos/eos"));
  }

  @Test
  void appliesEveryRecordExactlyOnceWhenNamespacesDependOnTheRecord() throws Exception {
    // ${header:...}: namespaces are claimed on first use and replays are skipped by position.
    runExactlyOnceScenario("eosdyn", "acme/eosdyn/${header:tenant}", null);
  }

  /**
   * Rounds of inserts, updates and tombstones (each key at most once per round, each round produced
   * once the previous one is applied, so no write can fold two records and the WAL must hold
   * exactly one record per Kafka record) across three faults: a stop and restart mid-stream, a lost
   * offset commit that rewinds the consumer to an older offset in the middle of what was applied,
   * and a reset of the consumer offsets to the beginning.
   */
  private void runExactlyOnceScenario(String name, String template, NamespacePath single)
      throws Exception {
    int partitions = 3;
    connect.kafka().createTopic(name, partitions);
    Workload w = new Workload(7, 4, name + "-").addRound(8_000, 0, 0);
    w.produce(producer, name, 0, 5_000);
    Map<String, String> config = sinkConfig(name, template);
    config.put("shoal.batch.max.docs", "200");
    connect.configureConnector(name, config);
    assertConnectorRunning(connect, name, 2);

    // 1. Stop the connector mid-stream and start it again.
    await("first writes", TIMEOUT, () -> appliedTotal(name, single) > 500);
    connect.stopConnector(name);
    connect.assertions().assertConnectorIsStopped(name, "connector did not stop");
    w.produce(producer, name, 5_000, 8_000);
    connect.resumeConnector(name);
    assertConnectorRunning(connect, name, 2);
    awaitApplied(name, single, partitions);
    assertThat(appliedTotal(name, single)).as("records applied").isEqualTo(8_000);

    // 2. Updates and tombstones; then an offset commit is lost: the consumer restarts from an
    // older offset in the middle of what is already applied, and new records follow.
    int from = w.ops.size();
    w.addRound(1_500, 2_000, 1_000);
    w.produce(producer, name, from, w.ops.size());
    awaitApplied(name, single, partitions);
    Map<TopicPartition, Long> end = ConnectTestSupport.endOffsets(admin, name, partitions);
    connect.stopConnector(name);
    connect.assertions().assertConnectorIsStopped(name, "connector did not stop");
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      connect.alterSinkConnectorOffset(name, e.getKey(), e.getValue() - 1_000);
    }
    assertThat(ConnectTestSupport.committedOffsets(admin, ConnectTestSupport.group(name)))
        .allSatisfy((tp, offset) -> assertThat(offset).isEqualTo(end.get(tp) - 1_000));
    from = w.ops.size();
    w.addRound(1_000, 1_000, 500);
    w.produce(producer, name, from, w.ops.size());
    connect.resumeConnector(name);
    assertConnectorRunning(connect, name, 2);
    awaitApplied(name, single, partitions);
    assertThat(appliedTotal(name, single)).as("records applied").isEqualTo(w.ops.size());
    if (single == null) {
      // Records-dependent namespaces cannot be rewound on open: the re-read is skipped.
      assertThat(deduplicated(name)).as("records re-read and skipped").isPositive();
    }

    // 3. Lose the consumer offsets altogether: the connector restarts from the beginning.
    connect.stopConnector(name);
    connect.assertions().assertConnectorIsStopped(name, "connector did not stop");
    connect.resetConnectorOffsets(name);
    from = w.ops.size();
    w.addRound(500, 1_000, 500);
    w.produce(producer, name, from, w.ops.size());
    connect.resumeConnector(name);
    assertConnectorRunning(connect, name, 2);
    awaitApplied(name, single, partitions);

    if (single == null) {
      w.assertNamespaces(reader, "acme", name);
    } else {
      w.assertSingleNamespace(reader, single);
    }
    assertThat(appliedTotal(name, single)).as("records applied").isEqualTo(w.ops.size());
    connect.deleteConnector(name);
  }

  /** Records the connector's current task instances skipped as already applied. */
  private static long deduplicated(String connector) throws Exception {
    long total = 0;
    for (String task : List.of("0", "1")) {
      total +=
          (Long)
              ManagementFactory.getPlatformMBeanServer()
                  .getAttribute(SinkTaskMetrics.objectName(connector, task), "RecordsDeduplicated");
    }
    return total;
  }

  private void awaitApplied(String name, NamespacePath single, int partitions) throws Exception {
    if (single != null) {
      ConnectTestSupport.awaitPositions(admin, reader, name, single, name, partitions, TIMEOUT);
    } else {
      awaitAllCommitted(admin, name, name, partitions, TIMEOUT);
    }
  }

  /** Records applied in the scenario's namespaces, replays included. */
  private long appliedTotal(String name, NamespacePath single) {
    List<NamespacePath> namespaces = new ArrayList<>();
    if (single != null) {
      namespaces.add(single);
    } else {
      namespaces.add(NamespacePath.of("acme", name, "tenant-a"));
      namespaces.add(NamespacePath.of("acme", name, "tenant-b"));
    }
    long total = 0;
    for (NamespacePath ns : namespaces) {
      if (reader.namespaceExists(ns)) {
        total += appliedRecords(store, ns);
      }
    }
    return total;
  }

  /**
   * A zombie: a task instance that was writing a partition, which the connector's task then claims,
   * and which keeps flushing afterwards. It runs in this JVM against the same store (with its own
   * engine), fed the topic's real records, under the connector's name and task id (so its writer id
   * and metrics name are the connector task's).
   */
  @Test
  void fencesAZombieTaskThatKeepsFlushingAfterItsPartitionMovedAndLosesNothing() throws Exception {
    String name = "zombie";
    String topic = "zombie";
    TopicPartition tp = new TopicPartition(topic, 0);
    NamespacePath ns = NamespacePath.parse("acme/zombie/docs");
    connect.kafka().createTopic(topic, 1);
    Workload w = new Workload(21, 4, "z").addRound(3_000, 0, 0);
    w.produce(producer, topic, 0, w.ops.size());

    Map<String, String> zombieConfig = sinkConfig(topic, ns.toString());
    zombieConfig.put("name", name);
    zombieConfig.put("shoal.batch.max.docs", "5000");
    zombieConfig.put("shoal.flush.interval.ms", "3600000"); // writes only when told to
    FakeSinkTaskContext zombieContext = new FakeSinkTaskContext(zombieConfig, true);
    ObjectStore zombieStore = ObjectStores.open(storeUri);
    ShoalSinkTask zombie = new ShoalSinkTask(c -> Engine.builder().ownedStore(zombieStore).build());
    zombie.initialize(zombieContext);
    zombie.start(zombieConfig);
    try {
      List<SinkRecord> records = sinkRecords(tp, 3_000);
      zombie.open(List.of(tp));
      zombie.put(records.subList(0, 1_000));
      assertThat(SinkTaskAccess.writer(zombie).flushAll(30_000)).isTrue();
      zombie.put(records.subList(1_000, 2_000)); // buffered when the partition moves
      assertThat(reader.writerPosition(ns, SinkWriter.writerId(name, tp))).hasValue(999);

      // The connector's task gets the partition: it claims the writer and resumes after 999.
      Map<String, String> config = sinkConfig(topic, ns.toString());
      config.put("tasks.max", "1");
      connect.configureConnector(name, config);
      assertConnectorRunning(connect, name, 1);
      ConnectTestSupport.awaitPositions(admin, reader, name, ns, topic, 1, TIMEOUT);

      // The zombie does not know and keeps flushing: refused, it stops writing the partition.
      assertThat(SinkTaskAccess.writer(zombie).flushAll(30_000)).isTrue();
      assertThat(SinkTaskAccess.writer(zombie).isFenced(tp)).isTrue();
      assertThat(zombie.preCommit(Map.of(tp, new OffsetAndMetadata(2_000)))).isEmpty();
      zombie.put(records.subList(2_000, 3_000)); // ignored
      assertThat(SinkTaskAccess.writer(zombie).flushAll(30_000)).isTrue();

      // More updates, tombstones and inserts: the connector's task writes them.
      int from = w.ops.size();
      w.addRound(500, 1_000, 500);
      w.produce(producer, topic, from, w.ops.size());
      ConnectTestSupport.awaitPositions(admin, reader, name, ns, topic, 1, TIMEOUT);
      zombie.put(sinkRecords(tp, w.ops.size()).subList(from, w.ops.size())); // ignored too
      assertThat(SinkTaskAccess.writer(zombie).flushAll(30_000)).isTrue();
      assertThat(SinkTaskAccess.writer(zombie).bufferedBytes()).isZero();
    } finally {
      zombie.stop();
    }
    w.assertSingleNamespace(reader, ns);
    assertThat(appliedRecords(store, ns)).as("records applied").isEqualTo(w.ops.size());
    // The zombie's metrics went away without taking the connector task's (same name) with them.
    assertThat(
            ManagementFactory.getPlatformMBeanServer()
                .isRegistered(SinkTaskMetrics.objectName(name, "0")))
        .isTrue();
    connect.deleteConnector(name);
  }

  /** The first {@code n} records of a partition, as the sink sees them with StringConverter. */
  private static List<SinkRecord> sinkRecords(TopicPartition tp, int n) throws Exception {
    List<SinkRecord> out = new ArrayList<>();
    ConsumerRecords<byte[], byte[]> read =
        connect.kafka().consumeAll(Duration.ofSeconds(30).toMillis(), tp.topic());
    for (ConsumerRecord<byte[], byte[]> r : read.records(tp)) {
      if (out.size() == n) {
        break;
      }
      out.add(
          new SinkRecord(
              tp.topic(),
              tp.partition(),
              null,
              new String(r.key(), StandardCharsets.UTF_8),
              null,
              r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8),
              r.offset()));
    }
    assertThat(out).hasSize(n);
    return out;
  }

  @Test
  void sendsRejectedRecordsToTheDeadLetterQueueWithTheirCoordinates() throws Exception {
    String topic = "bad";
    connect.kafka().createTopic(topic, 1);
    connect.kafka().createTopic("bad-dlq", 1);
    List<ProducerRecord<String, String>> records =
        List.of(
            new ProducerRecord<>(topic, "a", "{\"vector\":[1,2]}"),
            new ProducerRecord<>(topic, "b", "{\"vector\":[1,2,3]}"), // wrong dimension
            new ProducerRecord<>(topic, null, "{\"vector\":[1,2]}"), // missing id
            new ProducerRecord<>(topic, "d", "{\"vector\":[1,2"), // malformed JSON
            new ProducerRecord<>(topic, "e", "{\"vector\":[1,\"x\"]}"), // non-numeric vector
            new ProducerRecord<>(topic, "f", "{\"vector\":[3,4]}"));
    for (ProducerRecord<String, String> r : records) {
      producer.send(r).get();
    }
    Map<String, String> config = sinkConfig(topic, "acme/bad/docs");
    config.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    config.put("errors.tolerance", "all");
    config.put("errors.deadletterqueue.topic.name", "bad-dlq");
    config.put("errors.deadletterqueue.topic.replication.factor", "1");
    config.put("errors.deadletterqueue.context.headers.enable", "true");
    config.put("tasks.max", "1");
    connect.configureConnector("bad", config);
    assertConnectorRunning(connect, "bad", 1);
    awaitAllCommitted(admin, "bad", topic, 1, TIMEOUT);

    ConsumerRecords<byte[], byte[]> dlq =
        connect.kafka().consume(4, Duration.ofSeconds(30).toMillis(), "bad-dlq");
    Map<Long, String> messages = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : dlq) {
      long offset = Long.parseLong(header(r, "__connect.errors.offset"));
      assertThat(header(r, "__connect.errors.topic")).isEqualTo(topic);
      assertThat(header(r, "__connect.errors.partition")).isEqualTo("0");
      messages.put(offset, header(r, "__connect.errors.exception.message"));
    }
    assertThat(messages.keySet()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
    assertThat(messages.get(1L))
        .isEqualTo(
            "Cannot write record (topic bad, partition 0, offset 1) to Shoal: its vector has 3"
                + " dimensions but namespace acme/bad/docs has 2");
    assertThat(messages.get(2L))
        .startsWith("Cannot write record (topic bad, partition 0, offset 2) to Shoal:")
        .contains("the record key is null");
    assertThat(messages.get(3L))
        .startsWith("Cannot write record (topic bad, partition 0, offset 3) to Shoal:")
        .contains("malformed JSON");
    assertThat(messages.get(4L))
        .contains("offset 4")
        .contains("vector field 'vector' has a String at position 1");
    NamespacePath ns = NamespacePath.parse("acme/bad/docs");
    assertThat(reader.getNamespace(ns).docCount()).isEqualTo(2);
    assertThat(reader.writerPosition(ns, SinkWriter.writerId("bad", new TopicPartition(topic, 0))))
        .hasValue(5);
    connect.deleteConnector("bad");
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    assertThat(h).as("header %s", name).isNotNull();
    return new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void failsTheTaskWithAClearMessageUnderErrorsToleranceNone() throws Exception {
    String topic = "fatal";
    connect.kafka().createTopic(topic, 1);
    producer.send(new ProducerRecord<>(topic, "a", "{\"vector\":[1,2]}")).get();
    producer.send(new ProducerRecord<>(topic, "b", "{\"vector\": oops}")).get();
    Map<String, String> config = sinkConfig(topic, "acme/fatal/docs");
    config.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    config.put("tasks.max", "1");
    connect.configureConnector("fatal", config);
    connect
        .assertions()
        .assertConnectorIsRunningAndTasksHaveFailed("fatal", 1, "task did not fail");
    ConnectorStateInfo status = connect.connectorStatus("fatal");
    assertThat(status.tasks().get(0).trace())
        .contains(
            "Cannot write record (topic fatal, partition 0, offset 1) to Shoal: the value is"
                + " malformed JSON")
        .contains("errors.tolerance=none");
    connect.deleteConnector("fatal");
  }

  @Test
  void validatesTheConfigurationAndProbesTheStore() {
    Map<String, String> config = sinkConfig("x", "acme/v/${topic}");
    config.put("name", "validated");
    var ok = connect.validateConnectorConfig(ShoalSinkConnector.class.getSimpleName(), config);
    assertThat(ok.errorCount()).isZero();
    assertThat(store.list("_probe/")).isEmpty(); // probe objects are deleted

    config.put("shoal.store.uri", "file:///proc/shoal-cannot-write-here");
    config.put("shoal.id.source", "field");
    var bad = connect.validateConnectorConfig(ShoalSinkConnector.class.getSimpleName(), config);
    assertThat(bad.errorCount()).isEqualTo(1);
    config.put("shoal.id.field", "doc_id");
    var unreachable =
        connect.validateConnectorConfig(ShoalSinkConnector.class.getSimpleName(), config);
    assertThat(unreachable.errorCount()).isEqualTo(1);
    assertThat(
            unreachable.configs().stream()
                .filter(v -> v.configValue().name().equals("shoal.store.uri"))
                .flatMap(v -> v.configValue().errors().stream())
                .toList())
        .singleElement()
        .asString()
        .contains("Cannot write to the store file:///proc/shoal-cannot-write-here");
  }
}
