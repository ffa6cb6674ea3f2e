package dev.shoal.kafka.bench;

import dev.shoal.engine.Engine;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.storage.ObjectStores;
import dev.shoal.engine.storage.S3TestServer;
import dev.shoal.kafka.ShoalSinkConnector;
import dev.shoal.kafka.metrics.SinkTaskMetrics;
import dev.shoal.kafka.write.SinkWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Random;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;

/**
 * End-to-end throughput of the sink against the raw consumption rate of the same topic, in one run
 * on one broker: 128-dimensional JSON documents are produced to a topic, read once by a plain
 * consumer (bytes only, no deserialization), then written by the connector (JSON converter,
 * mapping, batching, exactly-once commits) into one namespace. The figure of merit is the ratio of
 * the two rates (target: at least 0.5).
 *
 * <p>Run it with (from the repository root):
 *
 * <pre>
 * mvn -B -pl kafka-connect-sink -am verify -Dspotless.check.skip=true \
 *     -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=SinkThroughputBenchmark -Dfailsafe.failIfNoSpecifiedTests=false \
 *     [-Dshoal.bench.records=100000] [-Dshoal.bench.partitions=4] [-Dshoal.bench.store=file|s3]
 *     [-Dshoal.bench.format=json|jsonconverter|base64] [-Dshoal.bench.compaction=true|false]
 *     [-Dshoal.bench.set.<connector key>=<value> ...]
 * </pre>
 *
 * The results are printed and written to {@code target/benchmark/sink-throughput.txt}.
 */
class SinkThroughputBenchmark {
  static final int DIM = 128;
  private static final String OVERRIDE_PREFIX = "shoal.bench.set.";

  @Test
  void measureSinkThroughputAgainstRawConsumption() throws Exception {
    int records = Integer.getInteger("shoal.bench.records", 100_000);
    int partitions = Integer.getInteger("shoal.bench.partitions", 4);
    String storeKind = System.getProperty("shoal.bench.store", "file");
    String format = System.getProperty("shoal.bench.format", "json");
    run(records, partitions, storeKind, format);
  }

  public static void main(String[] args) throws Exception {
    run(
        args.length > 0 ? Integer.parseInt(args[0]) : 100_000,
        args.length > 1 ? Integer.parseInt(args[1]) : 4,
        args.length > 2 ? args[2] : "file",
        args.length > 3 ? args[3] : "json");
  }

  /**
   * @param format {@code json}: JSON values with the vector as an array of numbers, read by the
   *     sink from bytes (ByteArrayConverter); {@code jsonconverter}: the same values through
   *     Connect's JsonConverter (schemaless); {@code base64}: the vector as base64 of little-endian
   *     float32, read by the sink from bytes
   */
  static void run(int records, int partitions, String storeKind, String format) throws Exception {
    Path dir = Files.createTempDirectory("shoal-bench");
    S3TestServer s3 = storeKind.equals("s3") ? S3TestServer.start() : null;
    String storeUri =
        s3 == null ? dir.toUri().toString() : "s3://" + S3TestServer.BUCKET + "/bench";
    ObjectStore store =
        s3 == null ? ObjectStores.open(storeUri) : ObjectStores.open(s3.storeOptions("bench"));
    Map<String, String> workerProps = new HashMap<>();
    workerProps.put("plugin.discovery", "service_load");
    workerProps.put("offset.flush.interval.ms", "1000");
    EmbeddedConnectCluster connect =
        new EmbeddedConnectCluster.Builder()
            .name("shoal-bench")
            .numWorkers(1)
            .numBrokers(1)
            .workerProps(workerProps)
            .build();
    connect.start();
    try (Engine reader = Engine.builder().store(store).build()) {
      String topic = "bench";
      connect.kafka().createTopic(topic, partitions);
      long bytes = produce(connect.kafka().bootstrapServers(), topic, records, format);

      // 1. The raw consumption rate: a plain consumer reading the same bytes.
      long rawStart = System.nanoTime();
      long[] rawFirst = {0};
      consumeAll(connect.kafka().bootstrapServers(), topic, partitions, records, rawFirst);
      long rawEnd = System.nanoTime();

      // 2. Connect's own ceiling: a sink that only counts, with the same converter and tasks.
      Map<String, String> counting = new HashMap<>();
      counting.put("connector.class", CountingSinkConnector.class.getName());
      counting.put("topics", topic);
      counting.put("tasks.max", Integer.toString(partitions));
      counting.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
      counting.put("value.converter", valueConverter(format));
      counting.put("value.converter.schemas.enable", "false");
      counting.put("consumer.override.max.poll.records", "2000");
      CountingSinkConnector.COUNT.set(0);
      long countStart = System.nanoTime();
      long countFirst = 0;
      connect.configureConnector("counting", counting);
      while (CountingSinkConnector.COUNT.get() < records) {
        if (countFirst == 0 && CountingSinkConnector.COUNT.get() > 0) {
          countFirst = System.nanoTime();
        }
        Thread.sleep(5);
      }
      long countEnd = System.nanoTime();
      connect.deleteConnector("counting");

      // 3. The sink: from creating the connector until every record is committed in Shoal.
      Map<String, String> c = new HashMap<>();
      c.put("connector.class", ShoalSinkConnector.class.getName());
      c.put("topics", topic);
      c.put("tasks.max", Integer.toString(partitions));
      c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
      c.put("value.converter", valueConverter(format));
      c.put("value.converter.schemas.enable", "false");
      c.put("consumer.override.max.poll.records", "2000");
      c.put("shoal.store.uri", storeUri);
      if (s3 != null) {
        c.put("shoal.s3.endpoint", s3.endpoint().toString());
        c.put("shoal.s3.region", S3TestServer.REGION);
        c.put("shoal.s3.path.style.access", "true");
        c.put("shoal.s3.access.key.id", s3.accessKeyId());
        c.put("shoal.s3.secret.access.key", s3.secretAccessKey());
      }
      c.put("shoal.namespace", "bench/sink/docs");
      c.put("shoal.compaction.enabled", System.getProperty("shoal.bench.compaction", "true"));
      c.putAll(connectorOverrides());
      NamespacePath ns = NamespacePath.parse("bench/sink/docs");
      Map<TopicPartition, Long> last = lastOffsets(connect, topic, partitions);

      Map<String, Long> cpuBefore = cpuByThreadGroup();
      long processCpuBefore = processCpuNanos();
      long gcBefore = gcMillis();
      long sinkStart = System.nanoTime();
      connect.configureConnector("bench", c);
      // Progress from the tasks' JMX metrics: cheap to read, so polling does not steal CPU.
      long sinkFirst = 0;
      while (true) {
        long committed = committedRecords(partitions);
        if (committed > 0 && sinkFirst == 0) {
          sinkFirst = System.nanoTime();
        }
        if (committed >= records) {
          break;
        }
        if (System.nanoTime() - sinkStart > Duration.ofMinutes(10).toNanos()) {
          throw new AssertionError("The sink did not finish within 10 minutes");
        }
        Thread.sleep(20);
      }
      long sinkEnd = System.nanoTime();
      Map<String, Long> cpuAfter = cpuByThreadGroup();
      long processCpu = processCpuNanos() - processCpuBefore;
      long gcDuring = gcMillis() - gcBefore;
      StringBuilder cpu = new StringBuilder();
      cpuAfter.entrySet().stream()
          .map(e -> Map.entry(e.getKey(), e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0L)))
          .filter(e -> e.getValue() > 50_000_000L)
          .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
          .forEach(
              e ->
                  cpu.append(
                      String.format(Locale.ROOT, "%s %.1f s; ", e.getKey(), e.getValue() / 1e9)));
      long docs = reader.getNamespace(ns).docCount();
      for (Map.Entry<TopicPartition, Long> e : last.entrySet()) {
        OptionalLong pos = reader.writerPosition(ns, SinkWriter.writerId("bench", e.getKey()));
        if (pos.isEmpty() || pos.getAsLong() != e.getValue()) {
          throw new AssertionError("Position of " + e.getKey() + " is " + pos);
        }
      }

      double rawRate = records / seconds(rawEnd - rawStart);
      double rawSteady = records / seconds(rawEnd - rawFirst[0]);
      double sinkRate = records / seconds(sinkEnd - sinkStart);
      double sinkSteady = records / seconds(sinkEnd - sinkFirst);
      String report =
          String.format(
              Locale.ROOT,
              "Shoal Kafka Connect sink throughput (%d records of %d dims as %s, %.1f MB, %d"
                  + " partitions, %s store, compaction %s, %d cores, settings %s)%n"
                  + "  raw consumer  : %,10.0f records/s overall, %,10.0f records/s after the first"
                  + " poll (%.2f s)%n"
                  + "  counting sink: %,10.0f records/s overall, %,10.0f records/s after the first"
                  + " record (%.2f s): Connect's own ceiling here%n"
                  + "  Shoal sink    : %,10.0f records/s overall, %,10.0f records/s after the first"
                  + " commit (%.2f s)%n"
                  + "  ratio         : %.2f overall, %.2f steady state (target >= 0.5); to the"
                  + " counting sink: %.2f overall%n"
                  + "  documents in namespace: %d%n"
                  + "  sink batches: %s%n"
                  + "  CPU during the sink run (%.1f s wall, %d cores, %.1f s in GC): process %.1f s"
                  + " (GC and JIT included, %.0f%% of the cores); threads: %s%n",
              records,
              DIM,
              format,
              bytes / 1e6,
              partitions,
              storeKind,
              System.getProperty("shoal.bench.compaction", "true").equals("true") ? "on" : "off",
              Runtime.getRuntime().availableProcessors(),
              connectorOverrides().isEmpty() ? "default" : connectorOverrides(),
              rawRate,
              rawSteady,
              seconds(rawEnd - rawStart),
              records / seconds(countEnd - countStart),
              records / seconds(countEnd - countFirst),
              seconds(countEnd - countStart),
              sinkRate,
              sinkSteady,
              seconds(sinkEnd - sinkStart),
              sinkRate / rawRate,
              sinkSteady / rawSteady,
              sinkRate / (records / seconds(countEnd - countStart)),
              docs,
              batchStats(partitions),
              seconds(sinkEnd - sinkStart),
              Runtime.getRuntime().availableProcessors(),
              gcDuring / 1e3,
              processCpu / 1e9,
              100.0
                  * processCpu
                  / (sinkEnd - sinkStart)
                  / Runtime.getRuntime().availableProcessors(),
              cpu);
      System.out.print(report);
      Path out = Path.of("target", "benchmark", "sink-throughput.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report);
      if (docs != records) {
        throw new AssertionError("Expected " + records + " documents, found " + docs);
      }
    } finally {
      connect.stop();
      store.close();
      if (s3 != null) {
        s3.close();
      }
    }
  }

  /** Connector settings given as {@code -Dshoal.bench.set.<key>=<value>}, to try other values. */
  private static Map<String, String> connectorOverrides() {
    Map<String, String> overrides = new java.util.TreeMap<>();
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith(OVERRIDE_PREFIX)) {
        overrides.put(name.substring(OVERRIDE_PREFIX.length()), System.getProperty(name));
      }
    }
    return overrides;
  }

  private static String valueConverter(String format) {
    return format.equals("jsonconverter")
        ? "org.apache.kafka.connect.json.JsonConverter"
        : "org.apache.kafka.connect.converters.ByteArrayConverter";
  }

  /** Records committed (written or deduplicated) by all tasks, from their MBeans. */
  private static long committedRecords(int tasks) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    long total = 0;
    for (int t = 0; t < tasks; t++) {
      ObjectName name = SinkTaskMetrics.objectName("bench", Integer.toString(t));
      if (server.isRegistered(name)) {
        total += (Long) server.getAttribute(name, "RecordsWritten");
        total += (Long) server.getAttribute(name, "RecordsDeduplicated");
      }
    }
    return total;
  }

  /** CPU time of the whole process (every thread: GC and JIT compilers included). */
  private static long processCpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static long gcMillis() {
    long total = 0;
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  /** CPU time of this JVM's threads, grouped by name with numbers blanked out. */
  private static Map<String, Long> cpuByThreadGroup() {
    java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new HashMap<>();
    for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long t = mx.getThreadCpuTime(info.getThreadId());
      if (t > 0) {
        out.merge(info.getThreadName().replaceAll("\\d+", "N"), t, Long::sum);
      }
    }
    return out;
  }

  private static String batchStats(int tasks) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    StringBuilder sb = new StringBuilder();
    for (int t = 0; t < tasks; t++) {
      ObjectName name = SinkTaskMetrics.objectName("bench", Integer.toString(t));
      if (server.isRegistered(name)) {
        sb.append(
            String.format(
                Locale.ROOT,
                "task %d: %d batches, %.0f ms mean / %.0f ms max commit latency; ",
                t,
                (Long) server.getAttribute(name, "Batches"),
                (Double) server.getAttribute(name, "FlushLatencyAvgMs"),
                (Double) server.getAttribute(name, "FlushLatencyMaxMs")));
      }
    }
    return sb.toString();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static long produce(String bootstrap, String topic, int records, String format)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    // Order does not matter here (every key is distinct); idempotence on a just-created topic
    // sometimes stalls on OUT_OF_ORDER_SEQUENCE_NUMBER after NOT_LEADER_OR_FOLLOWER.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    p.put(ProducerConfig.ACKS_CONFIG, "1");
    Random random = new Random(1);
    long bytes = 0;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < records; i++) {
        StringBuilder json = new StringBuilder(DIM * 10 + 64);
        json.append("{\"vector\":");
        if (format.equals("base64")) {
          ByteBuffer floats = ByteBuffer.allocate(DIM * 4).order(ByteOrder.LITTLE_ENDIAN);
          for (int d = 0; d < DIM; d++) {
            floats.putFloat((float) random.nextGaussian());
          }
          json.append('"').append(Base64.getEncoder().encodeToString(floats.array())).append('"');
        } else {
          json.append('[');
          for (int d = 0; d < DIM; d++) {
            json.append(d == 0 ? "" : ",").append(Math.round(random.nextGaussian() * 1e5) / 1e5);
          }
          json.append(']');
        }
        json.append(",\"lang\":\"en\",\"n\":").append(i).append('}');
        String value = json.toString();
        bytes += value.length();
        sent.add(producer.send(new ProducerRecord<>(topic, "doc-" + i, value)));
        if (sent.size() >= 10_000) {
          for (var f : sent) {
            f.get();
          }
          sent.clear();
        }
      }
      producer.flush();
      for (var f : sent) {
        f.get();
      }
    }
    return bytes;
  }

  private static void consumeAll(
      String bootstrap, String topic, int partitions, int records, long[] firstPoll) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        tps.add(new TopicPartition(topic, i));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long seen = 0;
      long checksum = 0;
      while (seen < records) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
        if (!batch.isEmpty() && firstPoll[0] == 0) {
          firstPoll[0] = System.nanoTime();
        }
        for (var r : batch) {
          checksum += r.value().length;
          seen++;
        }
      }
      if (checksum == 0) {
        throw new AssertionError("no bytes read");
      }
    }
  }

  private static Map<TopicPartition, Long> lastOffsets(
      EmbeddedConnectCluster connect, String topic, int partitions) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    Map<TopicPartition, Long> out = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        tps.add(new TopicPartition(topic, i));
      }
      consumer.endOffsets(tps).forEach((tp, end) -> out.put(tp, end - 1));
    }
    return out;
  }
}
