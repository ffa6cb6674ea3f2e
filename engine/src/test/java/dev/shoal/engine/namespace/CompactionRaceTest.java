package dev.shoal.engine.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.Consistency;
import dev.shoal.engine.Engine;
import dev.shoal.engine.EngineConfig;
import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.WriteResult;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.manifest.SegmentRef;
import dev.shoal.engine.manifest.WalRef;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.query.QueryRequest;
import dev.shoal.engine.segment.Segment;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.wal.WalBatch;
import dev.shoal.engine.wal.WalRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Writers keep appending while two engines compact the same namespace over and over: no
 * acknowledged write may be lost, and none may be stored twice (in two segments, or in a segment
 * and the WAL). Each writer also overwrites and deletes a few ids of its own again and again, so
 * that compactions fold and merge old versions while newer ones land: the newest must win, as a
 * model of each writer's last operation per id says.
 */
class CompactionRaceTest {
  private static final NamespacePath NS = NamespacePath.parse("acme/race/compact");
  private static final int HOT_IDS = 4;

  @Test
  void compactionsNeverLoseOrDuplicateWrites() throws Exception {
    long seed = Long.getLong("shoal.test.seed", new Random().nextLong());
    InMemoryObjectStore store = new InMemoryObjectStore();
    EngineConfig config =
        EngineConfig.builder()
            .autoCompact(false)
            .walCompactThreshold(2)
            .segmentCompactThreshold(2)
            .build();
    List<String> acked = Collections.synchronizedList(new ArrayList<>());
    // Per hot id (each owned by one writer thread): the value of its last acknowledged upsert, or
    // null after a delete.
    Map<String, Integer> model = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, Boolean> deleted = new java.util.concurrent.ConcurrentHashMap<>();
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger compactions = new AtomicInteger();
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    try (Engine writerEngine = Engine.builder().store(store).config(config).build();
        Engine compactorA = Engine.builder().store(store).config(config).build();
        Engine compactorB = Engine.builder().store(store).config(config).build()) {
      writerEngine.write(NS, WriteRequest.upsert(List.of(Document.of("seed", Map.of()))));
      acked.add("seed");
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int thread = t;
        threads.add(
            new Thread(
                () -> {
                  Random random = new Random(seed + thread);
                  try {
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    for (int w = 0;
                        w < 60 || (compactions.get() < 8 && System.nanoTime() < deadline);
                        w++) {
                      List<Document> docs = new ArrayList<>();
                      for (int i = 0; i < 1 + random.nextInt(4); i++) {
                        docs.add(Document.of("t" + thread + "w" + w + "d" + i, Map.of("w", w)));
                      }
                      WriteRequest.Builder req = WriteRequest.builder().upserts(docs);
                      String hot = "t" + thread + "hot" + random.nextInt(HOT_IDS);
                      boolean delete = random.nextInt(3) == 0;
                      if (delete) {
                        req.delete(hot);
                      } else {
                        req.upsert(Document.of(hot, Map.of("v", w)));
                      }
                      WriteResult r = writerEngine.write(NS, req.build());
                      assertThat(r.deduplicated()).isFalse();
                      docs.forEach(d -> acked.add(d.id()));
                      if (delete) {
                        model.remove(hot);
                        deleted.put(hot, true);
                      } else {
                        model.put(hot, w);
                      }
                    }
                  } catch (Throwable e) {
                    errors.add(e);
                  }
                }));
      }
      for (Engine c : List.of(compactorA, compactorB)) {
        threads.add(
            new Thread(
                () -> {
                  Random random = new Random(seed * 7);
                  try {
                    while (!done.get()) {
                      if (c.compact(NS, random.nextInt(5) == 0).performed()) {
                        compactions.incrementAndGet();
                      }
                    }
                  } catch (Throwable e) {
                    errors.add(e);
                  }
                }));
      }
      threads.forEach(Thread::start);
      for (int i = 0; i < 3; i++) {
        threads.get(i).join();
      }
      done.set(true);
      for (Thread t : threads) {
        t.join();
      }
      assertThat(errors).as("seed %d", seed).isEmpty();
      assertThat(compactions.get())
          .as("compactions performed (seed %d)", seed)
          .isGreaterThanOrEqualTo(8);

      // Every acknowledged id is stored exactly once across the segments and the WAL.
      Manifest m =
          new ManifestStore(store, Clock.systemUTC(), Duration.ofMinutes(10), 10)
              .readLatest(NS, null)
              .orElseThrow();
      Map<String, Integer> copies = new HashMap<>();
      for (SegmentRef s : m.segments()) {
        Segment seg = Segment.decode(s.key(), store.get(s.key()));
        for (int ord = 0; ord < seg.size(); ord++) {
          copies.merge(seg.id(ord), 1, Integer::sum);
        }
      }
      for (WalRef w : m.wal()) {
        for (WalRecord r : WalBatch.decode(w.key(), store.get(w.key())).records()) {
          copies.merge(r.id(), 1, Integer::sum);
        }
      }
      // Hot ids may have versions in several places; what counts is which one wins.
      copies.keySet().removeIf(id -> id.contains("hot"));
      for (String id : acked) {
        assertThat(copies.get(id)).as("copies of %s (seed %d)", id, seed).isEqualTo(1);
      }
      assertThat(copies)
          .as("nothing but acknowledged writes (seed %d)", seed)
          .hasSize(acked.size());
      for (String hot : deleted.keySet()) {
        if (!model.containsKey(hot)) {
          assertThat(compactorB.getDocument(NS, hot, Consistency.STRONG))
              .as("%s was deleted last (seed %d)", hot, seed)
              .isEmpty();
        }
      }
      for (Map.Entry<String, Integer> e : model.entrySet()) {
        assertThat(compactorB.getDocument(NS, e.getKey(), Consistency.STRONG))
            .as("newest version of %s (seed %d)", e.getKey(), seed)
            .hasValueSatisfying(
                d -> assertThat(d.attrs()).containsEntry("v", (long) (int) e.getValue()));
      }
      assertThat(compactorB.query(NS, QueryRequest.builder().topK(10_000).build()).rows())
          .hasSize(acked.size() + model.size());
      assertThat(writerEngine.getNamespace(NS).docCount()).isEqualTo(acked.size() + model.size());
    }
  }
}
