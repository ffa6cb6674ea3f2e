package dev.shoal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.manifest.WalRef;
import dev.shoal.engine.manifest.WriterState;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.wal.WalBatch;
import dev.shoal.engine.wal.WalRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Several engines on one store write one namespace at once, some writes carrying writer positions,
 * while a fencer steals writers. Afterwards the WAL must hold every acknowledged write exactly
 * once, in sequence order, and nothing deduplicated or fenced.
 */
class ConcurrentWritersTest {
  private static final NamespacePath NS = NamespacePath.parse("acme/race/docs");

  /** What the writers observed; shared by their threads. */
  static final class Log {
    final List<Acked> acked = Collections.synchronizedList(new ArrayList<>());
    final Set<String> mustBeAbsent = ConcurrentHashMap.newKeySet();
    final Map<String, Long> lastPosition = new ConcurrentHashMap<>();
    volatile int fenced;
    volatile int deduplicated;
  }

  record Acked(List<String> ids, WriteResult result) {}

  @Test
  void fourEnginesKeepEveryAcknowledgedWriteExactlyOnce() throws Exception {
    long seed = Long.getLong("shoal.test.seed", new Random().nextLong());
    InMemoryObjectStore store = new InMemoryObjectStore();
    Log log = run(store, seed, 4, 3, 40);
    verify(store, log, seed);
    assertThat(log.fenced).as("some writes were fenced (seed %d)", seed).isPositive();
    assertThat(log.deduplicated).as("some writes were deduplicated (seed %d)", seed).isPositive();
  }

  /**
   * Runs {@code engines} engines with {@code threads} writer threads each, {@code writes} writes
   * per thread; thread 0 of engine 0 also steals other writers now and then.
   */
  static Log run(ObjectStore store, long seed, int engines, int threads, int writes)
      throws Exception {
    Log log = new Log();
    List<Engine> opened = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    try {
      for (int e = 0; e < engines; e++) {
        Engine engine =
            Engine.builder()
                .store(store)
                .config(EngineConfig.builder().autoCompact(false).build())
                .build();
        opened.add(engine);
        for (int t = 0; t < threads; t++) {
          String writer = "w-" + e + "-" + t;
          Random random = new Random(seed * 31 + e * 7L + t);
          boolean fencer = e == 0 && t == 0;
          int engineIndex = e;
          int threadIndex = t;
          Thread worker =
              new Thread(
                  () -> {
                    try {
                      start.await();
                      writeLoop(
                          engine,
                          writer,
                          random,
                          fencer,
                          engines,
                          threads,
                          writes,
                          log,
                          "e" + engineIndex + "t" + threadIndex);
                    } catch (Throwable x) {
                      errors.add(x);
                    }
                  },
                  "writer-" + writer);
          workers.add(worker);
          worker.start();
        }
      }
      start.countDown();
      for (Thread w : workers) {
        w.join();
      }
    } finally {
      opened.forEach(Engine::close);
    }
    if (!errors.isEmpty()) {
      AssertionError failure =
          new AssertionError("writer failed (seed " + seed + ")", errors.get(0));
      errors.stream().skip(1).forEach(failure::addSuppressed);
      throw failure;
    }
    return log;
  }

  private static void writeLoop(
      Engine engine,
      String writer,
      Random random,
      boolean fencer,
      int engines,
      int threads,
      int writes,
      Log log,
      String tag) {
    WriterClaim claim = engine.claimWriter(NS, writer, true, null);
    long epoch = claim.epoch();
    long position = claim.position().orElse(0);
    for (int w = 0; w < writes; w++) {
      if (fencer && w % 2 == 0) {
        String victim = "w-" + random.nextInt(engines) + "-" + (1 + random.nextInt(threads - 1));
        engine.claimWriter(NS, victim, true, null);
      }
      int n = 1 + random.nextInt(5);
      List<String> ids = new ArrayList<>(n);
      List<Document> docs = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String id = tag + "w" + w + "d" + i;
        ids.add(id);
        docs.add(
            Document.of(id, new float[] {random.nextFloat(), random.nextFloat()}, Map.of("w", w)));
      }
      WriteRequest.Builder req = WriteRequest.builder().upserts(docs);
      boolean positioned = random.nextInt(4) != 0;
      boolean replay = positioned && position > 0 && random.nextInt(8) == 0;
      long pos = replay ? position : position + 1;
      if (positioned) {
        req.writerPosition(new WriterPosition(writer, epoch, pos));
      }
      try {
        WriteResult r = engine.write(NS, req.build());
        if (r.deduplicated()) {
          assertThat(replay).as("only a replayed position is deduplicated").isTrue();
          log.mustBeAbsent.addAll(ids);
          log.deduplicated++;
        } else {
          assertThat(replay).as("a replayed position must be deduplicated").isFalse();
          log.acked.add(new Acked(ids, r));
          if (positioned) {
            position = pos;
            log.lastPosition.merge(writer, pos, Math::max);
          }
        }
      } catch (WriterFencedException fencedOut) {
        log.mustBeAbsent.addAll(ids);
        log.fenced++;
        WriterClaim again = engine.claimWriter(NS, writer, true, null);
        epoch = again.epoch();
        position = again.position().orElse(0);
      }
    }
  }

  /** Checks the WAL against what the writers observed. */
  static void verify(ObjectStore store, Log log, long seed) {
    String why = "seed " + seed;
    ManifestStore manifests =
        new ManifestStore(store, Clock.systemUTC(), Duration.ofMinutes(10), 10);
    Manifest m = manifests.readLatest(NS, null).orElseThrow();
    Map<Long, String> bySeq = new HashMap<>();
    long expectedSeq = 1;
    for (WalRef ref : m.wal()) {
      assertThat(ref.firstSeq())
          .as("sequence numbers are contiguous (%s)", why)
          .isEqualTo(expectedSeq);
      WalBatch batch = WalBatch.decode(ref.key(), store.get(ref.key()));
      assertThat(batch.size()).as(why).isEqualTo(ref.records());
      long seq = ref.firstSeq();
      for (WalRecord r : batch.records()) {
        bySeq.put(seq++, r.id());
      }
      expectedSeq = seq;
    }
    assertThat(m.nextSeq()).as(why).isEqualTo(expectedSeq);
    Set<String> applied = new HashSet<>();
    long ackedRecords = 0;
    for (Acked a : log.acked) {
      assertThat(a.result().records()).as(why).isEqualTo(a.ids().size());
      for (int i = 0; i < a.ids().size(); i++) {
        assertThat(bySeq.get(a.result().firstSeq() + i))
            .as(
                "record %d of a write acknowledged at version %d (%s)",
                i, a.result().version(), why)
            .isEqualTo(a.ids().get(i));
      }
      applied.addAll(a.ids());
      ackedRecords += a.ids().size();
    }
    assertThat(bySeq)
        .as("nothing beyond the acknowledged writes (%s)", why)
        .hasSize((int) ackedRecords);
    assertThat(new HashSet<>(bySeq.values()))
        .as("each record exactly once (%s)", why)
        .hasSize(bySeq.size());
    for (String id : log.mustBeAbsent) {
      assertThat(applied).as("deduplicated or fenced write applied (%s)", why).doesNotContain(id);
    }
    for (Map.Entry<String, Long> e : log.lastPosition.entrySet()) {
      WriterState s = m.writers().get(e.getKey());
      assertThat(s.position())
          .as("stored position of %s (%s)", e.getKey(), why)
          .isEqualTo(e.getValue());
    }
  }
}
