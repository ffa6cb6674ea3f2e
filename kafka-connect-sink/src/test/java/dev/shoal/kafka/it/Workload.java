package dev.shoal.kafka.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.Consistency;
import dev.shoal.engine.Engine;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A reproducible stream of keyed JSON documents (inserts, updates, tombstones) and the state the
 * namespaces must end in: a reference model of what the sink should do.
 */
final class Workload {
  /** One record: a JSON document, or a tombstone when {@code json} is null. */
  record Op(String key, String tenant, String json) {}

  final List<Op> ops = new ArrayList<>();

  /** Expected documents by tenant, then id. */
  final Map<String, Map<String, Document>> expected = new TreeMap<>();

  private final Random random;
  private final int dim;
  private final List<String> live = new ArrayList<>();
  private int nextKey;
  private final String keyPrefix;

  Workload(long seed, int dim, String keyPrefix) {
    this.random = new Random(seed);
    this.dim = dim;
    this.keyPrefix = keyPrefix;
  }

  static String tenantOf(String key) {
    return (key.hashCode() & 1) == 0 ? "tenant-a" : "tenant-b";
  }

  /**
   * Adds a round of {@code inserts} new keys, {@code updates} of live keys and {@code deletes}
   * (tombstones) of other live keys, shuffled: every key appears at most once in a round. Produced
   * only once the previous round is applied, no write can then hold two records of one key, so none
   * is folded and the WAL record count must equal the number of records exactly.
   */
  Workload addRound(int inserts, int updates, int deletes) {
    if (updates + deletes > live.size()) {
      throw new IllegalArgumentException(
          "Cannot update or delete "
              + (updates + deletes)
              + " keys: only "
              + live.size()
              + " are live");
    }
    List<String> pool = new ArrayList<>(live);
    Collections.shuffle(pool, random);
    List<String[]> round = new ArrayList<>();
    for (int i = 0; i < updates; i++) {
      round.add(new String[] {"u", pool.get(i)});
    }
    for (int i = updates; i < updates + deletes; i++) {
      round.add(new String[] {"d", pool.get(i)});
    }
    for (int i = 0; i < inserts; i++) {
      round.add(new String[] {"i", keyPrefix + nextKey++});
    }
    Collections.shuffle(round, random);
    for (String[] op : round) {
      switch (op[0]) {
        case "u" -> put(op[1]);
        case "d" -> delete(op[1]);
        default -> {
          live.add(op[1]);
          put(op[1]);
        }
      }
    }
    return this;
  }

  private void delete(String key) {
    live.remove(key);
    ops.add(new Op(key, tenantOf(key), null));
    expected.computeIfAbsent(tenantOf(key), t -> new TreeMap<>()).remove(key);
  }

  /** Adds {@code n} records: with {@code mixed}, about 15% updates and 10% tombstones. */
  Workload add(int n, boolean mixed) {
    for (int i = 0; i < n; i++) {
      double r = random.nextDouble();
      if (mixed && !live.isEmpty() && r < 0.15) {
        put(live.get(random.nextInt(live.size())));
      } else if (mixed && !live.isEmpty() && r < 0.25) {
        String key = live.remove(random.nextInt(live.size()));
        ops.add(new Op(key, tenantOf(key), null));
        expected.computeIfAbsent(tenantOf(key), t -> new TreeMap<>()).remove(key);
      } else {
        String key = keyPrefix + nextKey++;
        live.add(key);
        put(key);
      }
    }
    return this;
  }

  private void put(String key) {
    int n = ops.size();
    double[] vector = new double[dim];
    float[] floats = new float[dim];
    StringBuilder json = new StringBuilder("{\"vector\":[");
    for (int d = 0; d < dim; d++) {
      vector[d] = Math.round(random.nextGaussian() * 1000) / 1000.0;
      floats[d] = (float) vector[d];
      json.append(d == 0 ? "" : ",").append(vector[d]);
    }
    String title = "title " + key + " v" + n;
    String tenant = tenantOf(key);
    json.append("],\"title\":\"")
        .append(title)
        .append("\",\"n\":")
        .append(n)
        .append(",\"tags\":[\"t")
        .append(n % 3)
        .append("\",\"x\"],\"tenant\":\"")
        .append(tenant)
        .append("\",\"score\":")
        .append(String.format(Locale.ROOT, "%.2f", n / 7.0))
        .append('}');
    ops.add(new Op(key, tenant, json.toString()));
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("n", (long) n);
    attrs.put("tags", List.of("t" + (n % 3), "x"));
    attrs.put("tenant", tenant);
    attrs.put("score", Double.parseDouble(String.format(Locale.ROOT, "%.2f", n / 7.0)));
    expected
        .computeIfAbsent(tenant, t -> new TreeMap<>())
        .put(key, new Document(key, floats, null, Map.of("title", title), attrs));
  }

  /** Sends every op in order, with the tenant as header {@code tenant}. */
  void produce(KafkaProducer<String, String> producer, String topic, int from, int to)
      throws Exception {
    List<Future<?>> sent = new ArrayList<>();
    for (Op op : ops.subList(from, to)) {
      RecordHeaders headers = new RecordHeaders();
      headers.add("tenant", op.tenant().getBytes(StandardCharsets.UTF_8));
      sent.add(producer.send(new ProducerRecord<>(topic, null, op.key(), op.json(), headers)));
    }
    producer.flush();
    for (Future<?> f : sent) {
      f.get();
    }
  }

  long documents() {
    return expected.values().stream().mapToLong(Map::size).sum();
  }

  /** Checks every expected document, field by field, and that there is nothing else. */
  void assertNamespaces(Engine engine, String org, String project) {
    for (Map.Entry<String, Map<String, Document>> e : expected.entrySet()) {
      NamespacePath ns = NamespacePath.of(org, project, e.getKey());
      assertThat(engine.getNamespace(ns).docCount())
          .as("documents in %s", ns)
          .isEqualTo(e.getValue().size());
      for (Document want : e.getValue().values()) {
        assertThat(engine.getDocument(ns, want.id(), Consistency.STRONG))
            .as("document %s in %s", want.id(), ns)
            .contains(want);
      }
    }
  }

  /** Like {@link #assertNamespaces}, for a routing that sends every tenant to {@code ns}. */
  void assertSingleNamespace(Engine engine, NamespacePath ns) {
    Map<String, Document> all = new TreeMap<>();
    expected.values().forEach(all::putAll);
    assertThat(engine.getNamespace(ns).docCount()).as("documents in %s", ns).isEqualTo(all.size());
    for (Document want : all.values()) {
      assertThat(engine.getDocument(ns, want.id(), Consistency.STRONG))
          .as("document %s in %s", want.id(), ns)
          .contains(want);
    }
  }
}
