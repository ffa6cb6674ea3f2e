package dev.shoal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.manifest.WalRef;
import dev.shoal.engine.manifest.WriterState;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.CountingObjectStore;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.storage.LocalFileStore;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.wal.WalBatch;
import dev.shoal.engine.wal.WalRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several engines on one store write one namespace at once, some writes carrying writer positions,
 * while a fencer steals writers. Afterwards the WAL must hold every acknowledged write exactly
 * once, in sequence order, and nothing deduplicated or fenced.
 *
 * <p>{@link #writeLoop}, {@link Log} and {@link #verify} are shared with {@link
 * CrossProcessWritersIT}, which runs the same writers in several JVMs.
 */
class ConcurrentWritersTest {
  static final NamespacePath NS = NamespacePath.parse("acme/race/docs");

  @TempDir Path temp;

  /**
   * What the writers observed; shared by their threads, and saved to a file by a child process for
   * its parent to verify.
   */
  static final class Log {
    final List<Acked> acked = Collections.synchronizedList(new ArrayList<>());
    final Set<String> mustBeAbsent = ConcurrentHashMap.newKeySet();
    final Map<String, Long> lastPosition = new ConcurrentHashMap<>();
    final AtomicInteger fenced = new AtomicInteger();
    final AtomicInteger deduplicated = new AtomicInteger();

    /** Adds what another process observed (writer ids are never shared between processes). */
    void addAll(Log other) {
      acked.addAll(other.acked);
      mustBeAbsent.addAll(other.mustBeAbsent);
      other.lastPosition.forEach((w, p) -> lastPosition.merge(w, p, Math::max));
      fenced.addAndGet(other.fenced.get());
      deduplicated.addAndGet(other.deduplicated.get());
    }

    /** Writes the log as lines of space-separated fields (ids and writer ids have no spaces). */
    void save(Path file) throws IOException {
      List<String> lines = new ArrayList<>();
      synchronized (acked) {
        for (Acked a : acked) {
          WriteResult r = a.result();
          lines.add(
              String.join(
                  " ",
                  "acked",
                  Long.toString(r.version()),
                  Long.toString(r.firstSeq()),
                  Long.toString(r.lastSeq()),
                  Long.toString(r.records()),
                  Boolean.toString(r.deduplicated()),
                  String.join(",", a.ids())));
        }
      }
      mustBeAbsent.forEach(id -> lines.add("absent " + id));
      lastPosition.forEach((w, p) -> lines.add("position " + w + " " + p));
      lines.add("fenced " + fenced.get());
      lines.add("deduplicated " + deduplicated.get());
      Files.write(file, lines, StandardCharsets.UTF_8);
    }

    static Log load(Path file) throws IOException {
      Log log = new Log();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "acked" ->
              log.acked.add(
                  new Acked(
                      List.of(f[6].split(",")),
                      new WriteResult(
                          Long.parseLong(f[1]),
                          Long.parseLong(f[2]),
                          Long.parseLong(f[3]),
                          Long.parseLong(f[4]),
                          Boolean.parseBoolean(f[5]))));
          case "absent" -> log.mustBeAbsent.add(f[1]);
          case "position" -> log.lastPosition.put(f[1], Long.parseLong(f[2]));
          case "fenced" -> log.fenced.set(Integer.parseInt(f[1]));
          case "deduplicated" -> log.deduplicated.set(Integer.parseInt(f[1]));
          default -> throw new IllegalArgumentException("Cannot read log line: " + line);
        }
      }
      return log;
    }
  }

  record Acked(List<String> ids, WriteResult result) {}

  @Test
  void fourEnginesKeepEveryAcknowledgedWriteExactlyOnce() throws Exception {
    long seed = Long.getLong("shoal.test.seed", new Random().nextLong());
    InMemoryObjectStore store = new InMemoryObjectStore();
    CountingObjectStore counting = new CountingObjectStore(store);
    Log log = run(counting, seed, 4, 3, 40);
    verify(store, log, seed);
    assertThat(counting.lostPutIfAbsents())
        .as("manifest creates that lost a race and were retried (seed %d)", seed)
        .isPositive();
    assertThat(log.fenced).as("some writes were fenced (seed %d)", seed).hasPositiveValue();
    assertThat(log.deduplicated)
        .as("some writes were deduplicated (seed %d)", seed)
        .hasPositiveValue();
  }

  /** The same race on the filesystem store: its hard-link put-if-absent carries the commits. */
  @Test
  void fourEnginesOnTheFilesystemStoreKeepEveryAcknowledgedWriteExactlyOnce() throws Exception {
    long seed = Long.getLong("shoal.test.seed", new Random().nextLong());
    try (LocalFileStore store = new LocalFileStore(temp.resolve("store"))) {
      CountingObjectStore counting = new CountingObjectStore(store);
      Log log = run(counting, seed, 4, 3, 20);
      verify(store, log, seed);
      assertThat(counting.lostPutIfAbsents())
          .as("manifest creates that lost a race and were retried (seed %d)", seed)
          .isPositive();
      assertThat(log.fenced).as("some writes were fenced (seed %d)", seed).hasPositiveValue();
      assertThat(log.acked).as("seed %d", seed).isNotEmpty();
    }
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
          List<String> victims = new ArrayList<>();
          if (e == 0 && t == 0) {
            for (int ve = 0; ve < engines; ve++) {
              for (int vt = 1; vt < threads; vt++) {
                victims.add("w-" + ve + "-" + vt);
              }
            }
          }
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
                          victims,
                          w -> w < writes,
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

  /**
   * One writer thread: claims {@code writer}, then issues random upserts (most with the next writer
   * position, some replaying the last one, some without a position) while {@code more} accepts the
   * write's index. With {@code victims}, every other write first claims one of them, which fences
   * its owner. Document ids start with {@code tag}, which must be unique per thread.
   */
  static void writeLoop(
      Engine engine,
      String writer,
      Random random,
      List<String> victims,
      IntPredicate more,
      Log log,
      String tag) {
    WriterClaim claim = engine.claimWriter(NS, writer, true, null);
    long epoch = claim.epoch();
    long position = claim.position().orElse(0);
    for (int w = 0; more.test(w); w++) {
      if (!victims.isEmpty() && w % 2 == 0) {
        engine.claimWriter(NS, victims.get(random.nextInt(victims.size())), true, null);
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
          log.deduplicated.incrementAndGet();
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
        log.fenced.incrementAndGet();
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
