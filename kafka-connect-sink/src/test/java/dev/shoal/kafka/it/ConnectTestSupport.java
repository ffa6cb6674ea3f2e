package dev.shoal.kafka.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.Engine;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.kafka.write.SinkWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/** Shared helpers of the integration tests: clusters, producers, offsets and namespace checks. */
final class ConnectTestSupport {
  private ConnectTestSupport() {}

  /** A Connect cluster in this JVM with its own KRaft broker (see shared/TESTING.md). */
  static EmbeddedConnectCluster startCluster(String name, int workers) {
    return startCluster(name, workers, Map.of());
  }

  /** Like {@link #startCluster(String, int)}, with more worker settings. */
  static EmbeddedConnectCluster startCluster(
      String name, int workers, Map<String, String> extraWorkerProps) {
    Map<String, String> workerProps = new HashMap<>(); // must be mutable
    workerProps.put("plugin.discovery", "service_load");
    workerProps.put("offset.flush.interval.ms", "500");
    workerProps.put("scheduled.rebalance.max.delay.ms", "0");
    workerProps.putAll(extraWorkerProps);
    EmbeddedConnectCluster connect =
        new EmbeddedConnectCluster.Builder()
            .name(name)
            .numWorkers(workers)
            .numBrokers(1)
            .workerProps(workerProps)
            .build();
    connect.start();
    return connect;
  }

  static KafkaProducer<String, String> producer(EmbeddedConnectCluster connect) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // One request at a time: updates of a key must land after its insert, even across retries.
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    return new KafkaProducer<>(p);
  }

  static Admin admin(EmbeddedConnectCluster connect) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers()));
  }

  /** The consumer group of a sink connector. */
  static String group(String connector) {
    return "connect-" + connector;
  }

  static Map<TopicPartition, Long> endOffsets(Admin admin, String topic, int partitions)
      throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    return admin.listOffsets(request).all().get().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  static Map<TopicPartition, Long> committedOffsets(Admin admin, String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, Long> out = new HashMap<>();
    offsets.forEach((tp, om) -> out.put(tp, om == null ? -1 : om.offset()));
    return out;
  }

  /**
   * Waits until the connector's consumer group has committed the end of every partition: the sink
   * commits only offsets that are durable in Shoal, so everything before is in the namespaces.
   */
  static void awaitAllCommitted(
      Admin admin, String connector, String topic, int partitions, Duration timeout)
      throws Exception {
    Map<TopicPartition, Long> end = endOffsets(admin, topic, partitions);
    await(
        "connector " + connector + " to commit " + end,
        timeout,
        () -> {
          try {
            Map<TopicPartition, Long> committed = committedOffsets(admin, group(connector));
            return end.entrySet().stream()
                .allMatch(e -> committed.getOrDefault(e.getKey(), -1L) >= e.getValue());
          } catch (Exception e) {
            return false;
          }
        });
  }

  /**
   * Waits until the namespace's writer positions reach the end of every partition. For a namespace
   * known at open(), this is the criterion: after the sink rewinds a partition to its stored
   * position, Connect counts that offset as committed and commits again only once new records
   * arrive, so the group's offsets may lag although everything is applied.
   */
  static void awaitPositions(
      Admin admin,
      Engine reader,
      String connector,
      NamespacePath ns,
      String topic,
      int partitions,
      Duration timeout)
      throws Exception {
    Map<TopicPartition, Long> end = endOffsets(admin, topic, partitions);
    Map<TopicPartition, Long> seen = new ConcurrentHashMap<>();
    await(
        "connector " + connector + " to apply everything up to " + end + " in " + ns,
        timeout,
        () -> {
          try {
            if (!reader.namespaceExists(ns)) {
              return false;
            }
            boolean done = true;
            for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
              long position =
                  reader.writerPosition(ns, SinkWriter.writerId(connector, e.getKey())).orElse(-1);
              seen.put(e.getKey(), position);
              done &= e.getValue() == 0 || position >= e.getValue() - 1;
            }
            return done;
          } catch (RuntimeException e) {
            return false;
          }
        },
        () ->
            "; last positions seen "
                + new TreeMap<>(
                    seen.entrySet().stream()
                        .collect(
                            Collectors.toMap(e -> e.getKey().toString(), Map.Entry::getValue))));
  }

  static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    await(what, timeout, condition, () -> "");
  }

  /** Like {@link #await(String, Duration, BooleanSupplier)}; the error ends with {@code state}. */
  static void await(
      String what, Duration timeout, BooleanSupplier condition, Supplier<String> state)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "Timed out after " + timeout + " waiting for " + what + state.get());
      }
      Thread.sleep(100);
    }
  }

  /**
   * Records ever applied to a namespace: sequence numbers are assigned once per applied record and
   * never reused, so this counts a record applied twice twice, even after compaction.
   */
  static long appliedRecords(ObjectStore store, NamespacePath ns) {
    ManifestStore manifests =
        new ManifestStore(store, Clock.systemUTC(), Duration.ofMinutes(10), 10);
    Manifest m = manifests.readLatest(ns, null).orElseThrow();
    return m.nextSeq() - 1;
  }

  /** A reading engine on the same store (not closing it). */
  static Engine reader(ObjectStore store) {
    return Engine.builder().store(store).build();
  }

  static void assertConnectorRunning(EmbeddedConnectCluster connect, String name, int tasks)
      throws InterruptedException {
    connect
        .assertions()
        .assertConnectorAndExactlyNumTasksAreRunning(name, tasks, "connector did not start");
  }

  static Set<String> namespaces(Engine engine, String org, String project) {
    List<String> names = engine.listNamespaces(org, project, null, null, 1000).namespaces();
    assertThat(names).isNotNull();
    return Set.copyOf(names);
  }
}
