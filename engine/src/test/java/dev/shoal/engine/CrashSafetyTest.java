package dev.shoal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.manifest.GarbageList;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.query.Filter;
import dev.shoal.engine.query.QueryRequest;
import dev.shoal.engine.query.QueryRow;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.storage.StorageException;
import dev.shoal.engine.testing.FaultInjectingObjectStore;
import dev.shoal.engine.testing.FaultInjectingObjectStore.Mode;
import dev.shoal.engine.testing.ManualScheduler;
import dev.shoal.engine.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fails or "crashes" the store at every mutating step of a scenario that exercises every kind of
 * mutation, then opens the store with a fresh engine and checks: no manifest references a missing
 * object, every acknowledged operation is visible, and an operation that failed is either wholly
 * visible or not at all.
 */
class CrashSafetyTest {
  private static final NamespacePath A = NamespacePath.parse("acme/crash/a");
  private static final NamespacePath B = NamespacePath.parse("acme/crash/b");
  private static final NamespacePath C = NamespacePath.parse("acme/crash/c");
  private static final NamespacePath D = NamespacePath.parse("acme/crash/d");
  private static final List<NamespacePath> ALL = List.of(A, B, C, D);
  private static final String WRITER = "kafka/c/t/0";
  private static final long START = 1_000_000_000L;

  /** The expected documents of each namespace. */
  static final class Model {
    final Map<NamespacePath, Map<String, Document>> docs = new HashMap<>();

    Model copy() {
      Model m = new Model();
      docs.forEach((k, v) -> m.docs.put(k, new TreeMap<>(v)));
      return m;
    }

    Map<String, Document> of(NamespacePath ns) {
      return docs.computeIfAbsent(ns, k -> new TreeMap<>());
    }
  }

  /** A step of the scenario: what it does to the engine, and to the model when it happened. */
  private record Op(String name, Consumer<Engine> run, Consumer<Model> apply) {}

  private static Document doc(String id, float x, Map<String, Object> attrs) {
    return new Document(id, new float[] {x, 1 - x}, null, Map.of("body", "text of " + id), attrs);
  }

  static List<Op> scenario(MutableClock clock, ManualScheduler scheduler) {
    Document a = doc("a", 0.1f, Map.of("lang", "en"));
    Document b = doc("b", 0.2f, Map.of("lang", "fr"));
    Document c = doc("c", 0.3f, Map.of("lang", "en"));
    Document d = doc("d", 0.4f, Map.of("lang", "de"));
    Document e = doc("e", 0.5f, Map.of());
    Document x = doc("x", 0.6f, Map.of());
    Document y = doc("y", 0.7f, Map.of());
    Map<String, Object> change = new HashMap<>();
    change.put("lang", null);
    change.put("year", 2025);
    DocumentPatch patch = DocumentPatch.attrs("a", change);
    List<Op> ops = new ArrayList<>();
    ops.add(
        new Op(
            "create",
            en -> en.createNamespace(A, DistanceMetric.COSINE, Map.of("team", "search")),
            m -> m.of(A)));
    ops.add(
        new Op(
            "upsert",
            en -> en.write(A, WriteRequest.upsert(List.of(a, b))),
            m -> {
              m.of(A).put("a", a);
              m.of(A).put("b", b);
            }));
    ops.add(
        new Op(
            "claim and positioned write",
            en -> {
              WriterClaim claim = en.claimWriter(A, WRITER, false, null);
              en.write(
                  A,
                  WriteRequest.builder()
                      .upsert(c)
                      .writerPosition(new WriterPosition(WRITER, claim.epoch(), 5))
                      .build());
            },
            m -> m.of(A).put("c", c)));
    ops.add(
        new Op(
            "patch",
            en -> en.write(A, WriteRequest.builder().patch(patch).build()),
            m -> m.of(A).computeIfPresent("a", (id, old) -> patch.applyTo(old))));
    ops.add(
        new Op(
            "delete",
            en -> en.write(A, WriteRequest.delete(List.of("b"))),
            m -> m.of(A).remove("b")));
    ops.add(new Op("labels", en -> en.updateLabels(A, Map.of("team", "ml")), m -> {}));
    ops.add(
        new Op(
            "delete by filter",
            en ->
                en.write(
                    A,
                    WriteRequest.builder()
                        .upsert(d)
                        .deleteByFilter(Filter.Compare.of("lang", Filter.Op.Eq, "en"))
                        .build()),
            m -> {
              m.of(A).values().removeIf(doc -> "en".equals(doc.attrs().get("lang")));
              m.of(A).put("d", d);
            }));
    ops.add(
        new Op(
            "idempotent write",
            en -> en.write(A, WriteRequest.builder().upsert(e).idempotencyKey("k1").build()),
            m -> m.of(A).put("e", e)));
    ops.add(
        new Op(
            "auto-create other namespace",
            en -> en.write(B, WriteRequest.upsert(List.of(x))),
            m -> m.of(B).put("x", x)));
    ops.add(new Op("delete namespace", en -> en.deleteNamespace(B), m -> m.docs.remove(B)));
    ops.add(
        new Op(
            "recreate by write",
            en -> en.write(B, WriteRequest.upsert(List.of(y))),
            m -> m.of(B).put("y", y)));
    ops.add(new Op("compact", en -> en.compact(A, false), m -> {}));
    ops.add(
        new Op(
            "branch",
            en -> en.branch(A, C),
            m -> {
              if (m.docs.containsKey(A)) {
                m.docs.put(C, new TreeMap<>(m.of(A)));
              }
            }));
    ops.add(
        new Op(
            "write to branch",
            en -> en.write(C, WriteRequest.builder().upsert(x).delete("a").build()),
            m -> {
              m.of(C).put("x", x);
              m.of(C).remove("a");
            }));
    ops.add(
        new Op(
            "copy",
            en -> en.copy(A, D),
            m -> {
              if (m.docs.containsKey(A)) {
                m.docs.put(D, new TreeMap<>(m.of(A)));
              }
            }));
    ops.add(
        new Op(
            "force compact",
            en -> {
              clock.advance(Duration.ofMinutes(20));
              en.compact(A, true);
            },
            m -> {}));
    ops.add(
        new Op(
            "collect garbage",
            en -> {
              clock.advance(Duration.ofMinutes(20));
              en.compact(A, false);
            },
            m -> {}));
    ops.add(new Op("delete branch", en -> en.deleteNamespace(C), m -> m.docs.remove(C)));
    ops.add(
        new Op(
            "garbage passes",
            en -> {
              clock.advance(Duration.ofMinutes(11));
              scheduler.runPending();
            },
            m -> {}));
    return ops;
  }

  private static final EngineConfig CONFIG =
      EngineConfig.builder().autoCompact(false).walCompactThreshold(2).build();

  private static Engine engine(ObjectStore store, MutableClock clock, ManualScheduler scheduler) {
    return Engine.builder()
        .store(store)
        .clock(clock)
        .scheduler(scheduler)
        .backgroundExecutor(Runnable::run)
        .config(CONFIG)
        .build();
  }

  /** The operation of every mutating call of a run without faults, in order. */
  private static List<String> mutationsOfCleanRun() {
    MutableClock clock = new MutableClock(START);
    FaultInjectingObjectStore store = new FaultInjectingObjectStore(new InMemoryObjectStore(clock));
    ManualScheduler scheduler = new ManualScheduler();
    try (Engine e = engine(store, clock, scheduler)) {
      for (Op op : scenario(clock, scheduler)) {
        op.run().accept(e);
      }
    }
    return store.log();
  }

  /**
   * Calls on a manifest version that {@link ManifestStore#tryCreate} makes after a create without
   * an answer (a read-back, then a create and a read-back for each of its three retries), so that
   * an ambiguous failure blocking this many leaves the outcome unknown to the commit, but lets the
   * caller's own read that follows resolve it.
   */
  private static final int READ_BACKS = 7;

  static Stream<Arguments> faults() {
    List<String> ops = mutationsOfCleanRun();
    List<Arguments> out = new ArrayList<>();
    for (int step = 1; step <= ops.size(); step++) {
      out.add(Arguments.of(step, Mode.FAIL_BEFORE, false, 0));
      out.add(Arguments.of(step, Mode.FAIL_AFTER, false, 0));
      out.add(Arguments.of(step, Mode.CRASH, false, 0));
      out.add(Arguments.of(step, Mode.CRASH, true, 0));
      if (ops.get(step - 1).equals("putIfAbsent")) {
        // A commit whose outcome stays unknown: until the operation gave up, or only through
        // the create's own read-backs.
        for (boolean effect : new boolean[] {false, true}) {
          out.add(Arguments.of(step, Mode.AMBIGUOUS, effect, Integer.MAX_VALUE));
          out.add(Arguments.of(step, Mode.AMBIGUOUS, effect, READ_BACKS));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "step {0}, {1}, effect {2}, blocked calls {3}")
  @MethodSource("faults")
  void invariantsHoldAfterFaultAtEveryStep(
      int step, Mode mode, boolean crashAfterEffect, int blockedCalls) {
    MutableClock clock = new MutableClock(START);
    InMemoryObjectStore backing = new InMemoryObjectStore(clock);
    FaultInjectingObjectStore store =
        new FaultInjectingObjectStore(backing)
            .failAt(step, mode, crashAfterEffect)
            .blockedCalls(blockedCalls);
    // Two candidate states: the failed operation did not happen, or it did.
    Model without = new Model();
    Model with = null;
    String failed = null;
    ManualScheduler scheduler = new ManualScheduler();
    try (Engine e = engine(store, clock, scheduler)) {
      for (Op op : scenario(clock, scheduler)) {
        try {
          op.run().accept(e);
        } catch (ShoalException ex) {
          if (failed != null) {
            // Only a consequence of the first failure (such as deleting a namespace whose
            // creation failed) may fail now, and then it changed nothing.
            assertThat(ex).isNotInstanceOf(StorageException.class);
            continue;
          }
          failed = op.name();
          with = without.copy();
          op.apply().accept(with);
          if (store.crashed()) {
            break; // a crashed process does nothing more
          }
          store.heal(); // the store is reachable again for the operations that follow
          continue;
        }
        op.apply().accept(without);
        if (with != null) {
          op.apply().accept(with);
        }
      }
    }
    try (Engine fresh = engine(backing, clock, new ManualScheduler())) {
      checkNoMissingObjects(backing);
      Map<NamespacePath, Map<String, Document>> seen = contents(fresh);
      if (with == null) {
        assertThat(seen).as("no operation failed").isEqualTo(nonEmpty(without));
      } else {
        assertThat(seen)
            .as("after \"%s\" failed, the state is as if it happened or not", failed)
            .isIn(nonEmpty(without), nonEmpty(with));
      }
      // Repair reclaims every leak once the sweep grace period has passed.
      clock.advance(CONFIG.sweepGracePeriod().plusMinutes(1));
      fresh.repair("acme", "crash", true);
      Set<String> referenced = new HashSet<>();
      ManifestStore manifests = new ManifestStore(backing, clock, Duration.ofMinutes(10), 10);
      for (NamespacePath ns : ALL) {
        manifests
            .readLatest(ns, null)
            .filter(m -> !m.deleted())
            .ifPresent(
                m -> {
                  referenced.addAll(m.liveObjectKeys());
                  referenced.addAll(GarbageList.keysOf(backing, m.garbage()));
                });
      }
      for (ObjectInfo o : backing.list("acme/crash/ns/")) {
        if (o.key().contains("/wal/")
            || o.key().contains("/segments/")
            || o.key().contains("/garbage/")) {
          assertThat(referenced).as("leaked object after repair").contains(o.key());
        }
      }
      checkNoMissingObjects(backing);
      assertThat(contents(fresh)).isEqualTo(seen);
    }
  }

  /** Namespaces that exist (a deleted one is absent; an existing empty one is present). */
  private static Map<NamespacePath, Map<String, Document>> nonEmpty(Model m) {
    return m.docs;
  }

  /** Every object the newest manifest of every namespace references exists. */
  private static void checkNoMissingObjects(InMemoryObjectStore store) {
    ManifestStore manifests =
        new ManifestStore(store, Clock.systemUTC(), Duration.ofMinutes(10), 10);
    for (NamespacePath ns : ALL) {
      Optional<Manifest> m = manifests.readLatest(ns, null);
      if (m.isEmpty() || m.get().deleted()) {
        continue;
      }
      for (String key : m.get().liveObjectKeys()) {
        assertThat(store.stat(key)).as("object %s referenced by %s", key, ns).isPresent();
      }
    }
  }

  private static Map<NamespacePath, Map<String, Document>> contents(Engine engine) {
    Map<NamespacePath, Map<String, Document>> out = new HashMap<>();
    for (NamespacePath ns : ALL) {
      if (!engine.namespaceExists(ns)) {
        continue;
      }
      Map<String, Document> docs = new TreeMap<>();
      for (QueryRow row :
          engine
              .query(
                  ns,
                  QueryRequest.builder().topK(10_000).includeText(true).includeVector(true).build())
              .rows()) {
        docs.put(
            row.id(), new Document(row.id(), row.vector(), row.sparse(), row.text(), row.attrs()));
      }
      out.put(ns, docs);
    }
    return out;
  }
}
