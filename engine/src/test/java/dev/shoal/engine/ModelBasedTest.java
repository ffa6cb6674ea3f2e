package dev.shoal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.manifest.GarbageList;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.query.QueryRequest;
import dev.shoal.engine.query.QueryRow;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.testing.ManualScheduler;
import dev.shoal.engine.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Random writes, compactions, branches, copies, namespace deletes, repairs and the garbage passes
 * the engines schedule, across several engines on one store, checked after every step against a
 * plain in-memory model: every namespace answers exactly as the model does and no referenced object
 * is missing. A final repair with sweep leaves no unreferenced object. Seeded; the seed is in every
 * failure message.
 */
class ModelBasedTest {
  private static final String ORG = "acme";
  private static final String PROJECT = "model";
  private static final int NAMESPACES = 5;
  private static final int IDS = 30;

  private final MutableClock clock = new MutableClock(1_000_000_000L);
  // Garbage passes run only when a test says so.
  private final ManualScheduler scheduler = new ManualScheduler();
  private final InMemoryObjectStore store = new InMemoryObjectStore(clock);
  private final ManifestStore manifests = new ManifestStore(store, clock, Duration.ofMinutes(1), 3);

  private Engine engine() {
    return Engine.builder()
        .store(store)
        .clock(clock)
        .scheduler(scheduler)
        .config(
            EngineConfig.builder()
                .autoCompact(false)
                .walCompactThreshold(3)
                .segmentCompactThreshold(2)
                .manifestRetention(Duration.ofMinutes(1))
                .eventualMaxStaleness(Duration.ofSeconds(1))
                .minRetainedVersions(3)
                .sweepGracePeriod(Duration.ofMinutes(2))
                .build())
        .build();
  }

  @Test
  void enginesAgreeWithModelThroughEveryOperation() {
    long seed = Long.getLong("shoal.test.seed", new Random().nextLong());
    for (int round = 0; round < 3; round++) {
      run(seed + round, 250);
    }
  }

  private void run(long seed, int steps) {
    Random random = new Random(seed);
    List<Engine> engines = List.of(engine(), engine(), engine());
    Map<String, Map<String, Document>> model = new TreeMap<>();
    List<String> log = new ArrayList<>();
    try {
      for (int step = 0; step < steps; step++) {
        clock.advance(Duration.ofSeconds(random.nextInt(30)));
        Engine e = engines.get(random.nextInt(engines.size()));
        String name = "n" + random.nextInt(NAMESPACES);
        NamespacePath ns = NamespacePath.of(ORG, PROJECT, name);
        int kind = random.nextInt(100);
        String what;
        if (kind < 55) {
          what = write(e, ns, model, random);
        } else if (kind < 72) {
          boolean force = random.nextInt(4) == 0;
          what = "compact " + name + (force ? " force" : "");
          if (model.containsKey(name)) {
            CompactionReport r = e.compact(ns, force);
            what += r.performed() ? " performed" : " skipped";
          }
        } else if (kind < 80) {
          String target = "n" + random.nextInt(NAMESPACES);
          what = "branch " + name + " -> " + target;
          if (model.containsKey(name) && !model.containsKey(target)) {
            e.branch(ns, ns.sibling(target));
            model.put(target, new TreeMap<>(model.get(name)));
          }
        } else if (kind < 86) {
          String target = "n" + random.nextInt(NAMESPACES);
          what = "copy " + name + " -> " + target;
          if (model.containsKey(name) && !model.containsKey(target)) {
            e.copy(ns, ns.sibling(target));
            model.put(target, new TreeMap<>(model.get(name)));
          }
        } else if (kind < 93) {
          what = "delete " + name;
          if (model.containsKey(name)) {
            e.deleteNamespace(ns);
            model.remove(name);
          }
        } else if (kind < 97) {
          boolean sweep = random.nextBoolean();
          what = "repair" + (sweep ? " sweep" : "");
          e.repair(ORG, PROJECT, sweep);
        } else {
          what = "garbage passes " + scheduler.runPending();
        }
        log.add(step + ": " + what);
        check(engines.get(random.nextInt(engines.size())), model, seed, log);
      }
      // Everything settles: collect garbage past retention, then sweep.
      clock.advance(Duration.ofMinutes(5));
      for (String name : model.keySet()) {
        engines.get(0).compact(NamespacePath.of(ORG, PROJECT, name), true);
      }
      clock.advance(Duration.ofMinutes(5));
      for (String name : model.keySet()) {
        engines.get(0).compact(NamespacePath.of(ORG, PROJECT, name), false);
      }
      clock.advance(Duration.ofMinutes(5));
      engines.get(1).repair(ORG, PROJECT, true);
      check(engines.get(2), model, seed, log);
      Set<String> referenced = referenced(model.keySet());
      for (ObjectInfo o : store.list(ORG + "/" + PROJECT + "/ns/")) {
        if (o.key().contains("/wal/")
            || o.key().contains("/segments/")
            || o.key().contains("/garbage/")) {
          assertThat(referenced)
              .as("unreferenced object left after repair with sweep (seed %d)", seed)
              .contains(o.key());
        }
      }
    } catch (AssertionError | RuntimeException ex) {
      throw new AssertionError(
          "seed " + seed + ", last steps: " + log.subList(Math.max(0, log.size() - 12), log.size()),
          ex);
    } finally {
      engines.forEach(Engine::close);
      for (ObjectInfo o : store.list("")) {
        store.delete(o.key());
      }
    }
  }

  private static Document doc(String id, Random random) {
    Map<String, Object> attrs = new HashMap<>();
    attrs.put("n", random.nextInt(10));
    if (random.nextBoolean()) {
      attrs.put("tag", "t" + random.nextInt(3));
    }
    return new Document(
        id,
        new float[] {
          random.nextFloat(), random.nextFloat(), random.nextFloat(), random.nextFloat()
        },
        null,
        random.nextBoolean() ? Map.of("body", "word" + random.nextInt(5)) : Map.of(),
        attrs);
  }

  private static String write(
      Engine e, NamespacePath ns, Map<String, Map<String, Document>> model, Random random) {
    Map<String, Document> docs = model.computeIfAbsent(ns.namespace(), k -> new TreeMap<>());
    WriteRequest.Builder req = WriteRequest.builder();
    int n = 1 + random.nextInt(6);
    Map<String, Document> upserts = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      String id = "d" + random.nextInt(IDS);
      Document d = doc(id, random);
      req.upsert(d);
      upserts.put(id, d);
    }
    List<DocumentPatch> patches = new ArrayList<>();
    if (random.nextInt(3) == 0) {
      Map<String, Object> change = new HashMap<>();
      change.put("n", null);
      change.put("p", random.nextInt(100));
      patches.add(DocumentPatch.attrs("d" + random.nextInt(IDS), change));
      req.patches(patches);
    }
    List<String> deletes = new ArrayList<>();
    if (random.nextInt(3) == 0) {
      deletes.add("d" + random.nextInt(IDS));
      req.deletes(deletes);
    }
    e.write(ns, req.build());
    // The engine applies upserts, then patches, then deletes.
    docs.putAll(upserts);
    for (DocumentPatch p : patches) {
      docs.computeIfPresent(p.id(), (id, old) -> p.applyTo(old));
    }
    deletes.forEach(docs::remove);
    return "write "
        + ns.namespace()
        + " "
        + upserts.keySet()
        + " patch "
        + patches.size()
        + " delete "
        + deletes;
  }

  private void check(
      Engine e, Map<String, Map<String, Document>> model, long seed, List<String> log) {
    for (int i = 0; i < NAMESPACES; i++) {
      String name = "n" + i;
      NamespacePath ns = NamespacePath.of(ORG, PROJECT, name);
      if (!model.containsKey(name)) {
        assertThat(e.namespaceExists(ns)).as("%s exists (seed %d)", name, seed).isFalse();
        continue;
      }
      Map<String, Document> seen = new TreeMap<>();
      for (QueryRow r :
          e.query(
                  ns,
                  QueryRequest.builder().topK(1000).includeText(true).includeVector(true).build())
              .rows()) {
        seen.put(r.id(), new Document(r.id(), r.vector(), r.sparse(), r.text(), r.attrs()));
      }
      assertThat(seen).as("contents of %s (seed %d)", name, seed).isEqualTo(model.get(name));
      assertThat(e.getNamespace(ns).docCount()).as("doc count of %s", name).isEqualTo(seen.size());
      Manifest m = manifests.readLatest(ns, null).orElseThrow();
      for (String key : m.liveObjectKeys()) {
        assertThat(store.stat(key))
            .as("object %s referenced by %s is missing (seed %d)", key, name, seed)
            .isPresent();
      }
    }
  }

  private Set<String> referenced(Set<String> names) {
    Set<String> keys = new HashSet<>();
    for (String name : names) {
      Optional<Manifest> m = manifests.readLatest(NamespacePath.of(ORG, PROJECT, name), null);
      m.ifPresent(
          x -> {
            keys.addAll(x.liveObjectKeys());
            keys.addAll(GarbageList.keysOf(store, x.garbage()));
          });
    }
    return keys;
  }
}
