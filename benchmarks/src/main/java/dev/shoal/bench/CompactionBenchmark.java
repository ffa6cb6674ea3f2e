package dev.shoal.bench;

import dev.shoal.engine.CompactionReport;
import dev.shoal.engine.Engine;
import dev.shoal.engine.EngineConfig;
import dev.shoal.engine.NamespaceInfo;
import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.LocalFileStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Compaction, write amplification and branching, on a {@link LocalFileStore} in a temporary folder,
 * with documents of a {@code dim}-dimensional vector, an id and four attributes (as {@link
 * IngestBenchmark}).
 *
 * <ol>
 *   <li><b>Compaction throughput</b>: a fold of {@code compactDocs} documents from WAL batches of
 *       1,000 into one segment, then a merge of five segments of {@code compactDocs / 5} documents
 *       into one (the tiered merge a segment threshold of 4 triggers), each timed around {@code
 *       engine.compact} in an engine that has not read the namespace yet.
 *   <li><b>Write amplification</b>: {@code docs} documents written in batches of 1,000 by one
 *       thread with autoCompact on, then the background compactions are waited for. Amplification
 *       is all bytes written to the store (WAL batches, segments, manifests, heads, leases and
 *       reference tables, counted by a store wrapper) over the encoded bytes of the WAL batches the
 *       writes created, and also over the raw document bytes (id, 4 bytes per float, attribute
 *       names and values as text). Two modes: <i>free</i>, the writer never waits (background work
 *       on two threads, as the engine's own pool), so what compaction does depends on how far it
 *       falls behind; and <i>paced</i>, the writer waits after each write until background work is
 *       done, so compaction keeps up and the result is the merge policy's own amplification. {@code
 *       --sweep} (or {@code --sweep-settings}) repeats the paced run for other thresholds.
 *   <li><b>Branch time</b>: namespaces of {@code docs / 100}, {@code docs / 10} and {@code docs}
 *       documents (built as in 2), each branched 5 times by an engine that has the source in memory
 *       (it read the namespace once, as a query would) and 5 times by a fresh engine (nothing
 *       cached: it reads every object, to count the branch's documents), with the store calls and
 *       bytes of one branch.
 * </ol>
 *
 * <p>Arguments (all optional; the thresholds default to the engine's): {@code --docs 1000000
 * --compact-docs 50000 --dim 128 --seed 42 --wal-threshold 16 --segment-threshold 8 --sweep (or
 * --sweep-settings 8/4,32/16) --skip-throughput --skip-branch --dir <parent of the temporary
 * folders>}.
 */
public final class CompactionBenchmark {
  private static final int BATCH = 1_000;

  /** Threshold settings ({wal, segment}) that {@code --sweep} runs paced. */
  private static final List<int[]> SWEEP =
      List.of(
          new int[] {8, 8},
          new int[] {16, 4},
          new int[] {16, 8},
          new int[] {32, 8},
          new int[] {8, 16},
          new int[] {32, 16},
          new int[] {64, 10});

  /** Parses {@code 16/8,32/16}. */
  private static List<int[]> settings(String text) {
    List<int[]> out = new ArrayList<>();
    for (String pair : text.split(",")) {
      String[] p = pair.split("/");
      out.add(new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])});
    }
    return out;
  }

  private CompactionBenchmark() {}

  private record Options(
      int docs,
      int compactDocs,
      int dim,
      long seed,
      int walThreshold,
      int segmentThreshold,
      List<int[]> sweep,
      boolean throughput,
      boolean branch,
      boolean paced,
      long memoryBytes,
      Path parent) {}

  public static void main(String[] args) throws Exception {
    int docs = 1_000_000;
    int compactDocs = 50_000;
    int dim = 128;
    long seed = 42;
    int walThreshold = EngineConfig.defaults().walCompactThreshold();
    int segmentThreshold = EngineConfig.defaults().segmentCompactThreshold();
    List<int[]> sweep = List.of();
    boolean throughput = true;
    boolean branch = true;
    boolean paced = true;
    long memoryBytes = EngineConfig.defaults().memoryCacheBytes();
    Path parent = Path.of(System.getProperty("java.io.tmpdir"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--docs" -> docs = Integer.parseInt(args[++i]);
        case "--compact-docs" -> compactDocs = Integer.parseInt(args[++i]);
        case "--dim" -> dim = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--wal-threshold" -> walThreshold = Integer.parseInt(args[++i]);
        case "--segment-threshold" -> segmentThreshold = Integer.parseInt(args[++i]);
        case "--sweep" -> sweep = SWEEP;
        case "--sweep-settings" -> sweep = settings(args[++i]);
        case "--skip-throughput" -> throughput = false;
        case "--skip-branch" -> branch = false;
        case "--skip-paced" -> paced = false;
        case "--memory-bytes" -> memoryBytes = Long.parseLong(args[++i]);
        case "--dir" -> parent = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("Cannot parse arguments: unknown " + args[i]);
      }
    }
    Options o =
        new Options(
            docs,
            compactDocs,
            dim,
            seed,
            walThreshold,
            segmentThreshold,
            sweep,
            throughput,
            branch,
            paced,
            memoryBytes,
            parent);
    System.out.printf(
        Locale.ROOT,
        "CompactionBenchmark: %,d docs of %d dims in batches of %,d, thresholds wal %d segment %d,"
            + " seed %d, Java %s, %d processors, max heap %,d MB, folder %s%n",
        docs,
        dim,
        BATCH,
        walThreshold,
        segmentThreshold,
        seed,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        parent);
    if (o.throughput()) {
      throughput(o);
    }
    amplificationAndBranches(o);
  }

  // ---------------------------------------------------------------------------------------------
  // Data

  /** Batch {@code index} of a namespace's documents: the same for the same seed and index. */
  private static List<Document> batch(int index, int dim, long seed) {
    List<Document> docs =
        IngestBenchmark.documents(BATCH, BATCH, dim, new Random(seed * 1_000_003L + index)).get(0);
    List<Document> out = new ArrayList<>(docs.size());
    for (int i = 0; i < docs.size(); i++) {
      Document d = docs.get(i);
      String id = String.format(Locale.ROOT, "doc-%09d", (long) index * BATCH + i);
      out.add(new Document(id, d.vector(), d.sparse(), d.text(), d.attrs()));
    }
    return out;
  }

  /** The engines that branch: default config but the memory budget ({@code --memory-bytes}). */
  private static EngineConfig branchConfig(Options o) {
    return EngineConfig.builder().memoryCacheBytes(o.memoryBytes()).build();
  }

  private static EngineConfig.Builder config(Options o) {
    return EngineConfig.builder()
        .walCompactThreshold(o.walThreshold())
        .segmentCompactThreshold(o.segmentThreshold());
  }

  // ---------------------------------------------------------------------------------------------
  // 1. Compaction throughput

  private static void throughput(Options o) throws IOException {
    int batches = Math.max(5, o.compactDocs() / BATCH);
    int docs = batches * BATCH;
    Path dir = Files.createTempDirectory(o.parent(), "shoal-compact-");
    try (LocalFileStore store = new LocalFileStore(dir)) {
      NamespacePath fold = NamespacePath.parse("acme/bench/fold");
      NamespacePath merge = NamespacePath.parse("acme/bench/merge");
      EngineConfig writing =
          EngineConfig.builder()
              .autoCompact(false)
              .walCompactThreshold(batches / 5)
              .segmentCompactThreshold(100)
              .build();
      try (Engine writer = Engine.builder().store(store).config(writing).build()) {
        for (int b = 0; b < batches; b++) {
          writer.write(fold, WriteRequest.upsert(batch(b, o.dim(), o.seed())));
        }
        // Five level-0 segments for the merge.
        for (int b = 0; b < batches; b++) {
          writer.write(merge, WriteRequest.upsert(batch(b, o.dim(), o.seed() + 1)));
          if ((b + 1) % (batches / 5) == 0) {
            writer.compact(merge, false);
          }
        }
      }
      EngineConfig compacting =
          EngineConfig.builder()
              .autoCompact(false)
              .walCompactThreshold(batches)
              .segmentCompactThreshold(4)
              .build();
      System.out.printf(
          Locale.ROOT,
          "%ncompaction throughput (%,d docs of %d dims, one compaction each, fresh engine):%n",
          docs,
          o.dim());
      System.out.println("| compaction | input | docs | time s | docs/s | segment MB |");
      System.out.println("|---|---|---|---|---|---|");
      try (Engine engine = Engine.builder().store(store).config(compacting).build()) {
        long t0 = System.nanoTime();
        CompactionReport r = engine.compact(fold, false);
        long nanos = System.nanoTime() - t0;
        check(r, "fold");
        System.out.printf(
            Locale.ROOT,
            "| fold | %d WAL batches | %,d | %.2f | %,.0f | %.1f |%n",
            r.walBatchesFolded(),
            docs,
            nanos / 1e9,
            docs / (nanos / 1e9),
            r.segmentBytes() / 1e6);
        t0 = System.nanoTime();
        r = engine.compact(merge, false);
        nanos = System.nanoTime() - t0;
        check(r, "merge");
        System.out.printf(
            Locale.ROOT,
            "| merge | %d segments of %,d docs | %,d | %.2f | %,.0f | %.1f |%n",
            r.segmentsMerged(),
            docs / 5,
            docs,
            nanos / 1e9,
            docs / (nanos / 1e9),
            r.segmentBytes() / 1e6);
      }
    } finally {
      IngestBenchmark.deleteTree(dir);
    }
  }

  private static void check(CompactionReport r, String what) {
    if (!r.performed()) {
      throw new IllegalStateException("Cannot measure the " + what + ": " + r.reason());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 2 and 3. Write amplification, branch time

  /** What one long ingest with autoCompact on left behind. */
  private record Ingest(
      NamespacePath ns,
      int docs,
      long walBytes,
      long rawBytes,
      long totalBytes,
      String breakdown,
      double ingestSeconds,
      double settleSeconds,
      NamespaceInfo info) {

    double amplification() {
      return (double) totalBytes / walBytes;
    }

    double rawAmplification() {
      return (double) totalBytes / rawBytes;
    }
  }

  private static void amplificationAndBranches(Options o) throws Exception {
    // {paced, wal threshold, segment threshold}
    List<int[]> runs = new ArrayList<>();
    runs.add(new int[] {0, o.walThreshold(), o.segmentThreshold()});
    if (o.paced()) {
      runs.add(new int[] {1, o.walThreshold(), o.segmentThreshold()});
    }
    for (int[] s : o.sweep()) {
      if (s[0] != o.walThreshold() || s[1] != o.segmentThreshold()) {
        runs.add(new int[] {1, s[0], s[1]});
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%nwrite amplification (%,d docs in batches of %,d, autoCompact on, one writer thread;"
            + " free: the writer never waits, paced: after each write it waits until background"
            + " compaction is done):%n",
        o.docs(),
        BATCH);
    System.out.println(
        "| mode | wal / segment threshold | store bytes / WAL bytes | store bytes / raw doc bytes"
            + " | ingest s | backlog s | left: WAL batches + segments (levels) | written: wal,"
            + " segment, manifest, head, other (MB) |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    String branchTable = null;
    for (int[] r : runs) {
      boolean paced = r[0] == 1;
      boolean branch = o.branch() && r == runs.get(0);
      Path dir = Files.createTempDirectory(o.parent(), "shoal-amp-");
      try (LocalFileStore local = new LocalFileStore(dir)) {
        StoreProbe store = new StoreProbe(local);
        Options run =
            new Options(
                o.docs(),
                o.compactDocs(),
                o.dim(),
                o.seed(),
                r[1],
                r[2],
                List.of(),
                false,
                branch,
                false,
                o.memoryBytes(),
                o.parent());
        NamespacePath ns = NamespacePath.parse("acme/bench/ns-" + o.docs());
        Ingest big = ingest(store, run, ns, o.docs(), paced);
        System.out.printf(
            Locale.ROOT,
            "| %s | %d / %d | %.2f | %.2f | %.1f | %.1f | %d + %d (%s) | %s |%n",
            paced ? "paced" : "free",
            r[1],
            r[2],
            big.amplification(),
            big.rawAmplification(),
            big.ingestSeconds(),
            big.settleSeconds(),
            big.info().walFiles(),
            big.info().segments(),
            levels(local, big.ns()),
            big.breakdown());
        if (branch) {
          branchTable = branches(run, store, big);
        }
      } finally {
        IngestBenchmark.deleteTree(dir);
      }
    }
    if (branchTable != null) {
      System.out.print(branchTable);
    }
  }

  /**
   * Writes {@code docs} documents with autoCompact on and waits for compaction to settle. Free:
   * background work runs on two threads (as the engine's own pool) while the writer goes on. Paced:
   * background work runs on one thread and the writer waits for it after each write, so that
   * compaction always keeps up and the outcome does not depend on the machine's speed.
   */
  private static Ingest ingest(
      StoreProbe store, Options o, NamespacePath ns, int docs, boolean paced) throws Exception {
    long walBefore = store.bytesWritten(StoreProbe.Kind.WAL);
    long totalBefore = store.bytesWritten();
    long[] kindsBefore = new long[StoreProbe.Kind.values().length];
    for (StoreProbe.Kind k : StoreProbe.Kind.values()) {
      kindsBefore[k.ordinal()] = store.bytesWritten(k);
    }
    ThreadPoolExecutor background = backgroundPool(paced ? 1 : 2);
    try (Engine engine =
        Engine.builder()
            .store(store)
            .config(config(o).autoCompact(true).build())
            .backgroundExecutor(background)
            .build()) {
      long raw = 0;
      long t0 = System.nanoTime();
      for (int b = 0; b < docs / BATCH; b++) {
        List<Document> batch = batch(b, o.dim(), o.seed());
        raw += IngestBenchmark.rawBytes(List.of(batch));
        engine.write(ns, WriteRequest.upsert(batch));
        if (paced) {
          awaitQuiet(background);
        }
      }
      long t1 = System.nanoTime();
      awaitIdle(background);
      long t2 = System.nanoTime();
      NamespaceInfo info = engine.getNamespace(ns);
      StringBuilder breakdown = new StringBuilder();
      for (StoreProbe.Kind k : StoreProbe.Kind.values()) {
        breakdown
            .append(breakdown.length() == 0 ? "" : ", ")
            .append(
                String.format(
                    Locale.ROOT, "%.1f", (store.bytesWritten(k) - kindsBefore[k.ordinal()]) / 1e6));
      }
      return new Ingest(
          ns,
          docs,
          store.bytesWritten(StoreProbe.Kind.WAL) - walBefore,
          raw,
          store.bytesWritten() - totalBefore,
          breakdown.toString(),
          (t1 - t0) / 1e9,
          (t2 - t1) / 1e9,
          info);
    } finally {
      background.shutdown();
    }
  }

  private static ThreadPoolExecutor backgroundPool(int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "shoal-background-bench-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    return pool;
  }

  /**
   * Waits until a one-thread executor has run everything queued, including what those tasks queued
   * (a compaction's commit may queue the next merge).
   */
  private static void awaitQuiet(ThreadPoolExecutor pool) throws Exception {
    do {
      pool.submit(() -> {}).get();
    } while (!pool.getQueue().isEmpty());
  }

  /** Waits until the background executor has nothing running or queued. */
  private static void awaitIdle(ThreadPoolExecutor pool) throws InterruptedException {
    while (pool.getActiveCount() > 0 || !pool.getQueue().isEmpty()) {
      Thread.sleep(50);
    }
  }

  /** Segment levels, oldest first, from the newest manifest (the public API gives counts). */
  private static String levels(LocalFileStore store, NamespacePath ns) {
    Manifest m =
        new ManifestStore(store, Clock.systemUTC(), Duration.ofMinutes(10), 10)
            .readLatest(ns, null)
            .orElseThrow();
    StringBuilder sb = new StringBuilder();
    m.segments().forEach(seg -> sb.append(sb.length() == 0 ? "" : ",").append(seg.level()));
    return sb.toString();
  }

  private static String branches(Options o, StoreProbe store, Ingest big) throws Exception {
    List<Ingest> namespaces = new ArrayList<>();
    for (int size : new int[] {o.docs() / 100, o.docs() / 10}) {
      if (size >= BATCH) {
        namespaces.add(ingest(store, o, NamespacePath.parse("acme/bench/ns-" + size), size, false));
      }
    }
    namespaces.add(big);
    StringBuilder out = new StringBuilder();
    out.append(
        "\nbranch time (5 branches each; median, and the store calls of one branch):\n"
            + "| namespace docs | objects (WAL + segments) | engine with the source loaded, ms"
            + " | fresh engine, ms | store calls | store bytes written |\n"
            + "|---|---|---|---|---|---|\n");
    int n = 0;
    for (Ingest ns : namespaces) {
      long[] warm = new long[5];
      long[] cold = new long[5];
      long calls = 0;
      long bytes = 0;
      try (Engine engine = Engine.builder().store(store).config(branchConfig(o)).build()) {
        engine.getNamespace(ns.ns()); // loads it, as the engine that built it had
        for (int i = 0; i < 5; i++) {
          NamespacePath target = NamespacePath.parse("acme/bench/branch-" + n++);
          long before = store.bytesWritten();
          store.startTrace();
          long t0 = System.nanoTime();
          engine.branch(ns.ns(), target);
          warm[i] = System.nanoTime() - t0;
          calls = store.stopTrace().size();
          bytes = store.bytesWritten() - before;
        }
      }
      for (int i = 0; i < 5; i++) {
        try (Engine engine = Engine.builder().store(store).config(branchConfig(o)).build()) {
          NamespacePath target = NamespacePath.parse("acme/bench/branch-" + n++);
          long t0 = System.nanoTime();
          engine.branch(ns.ns(), target);
          cold[i] = System.nanoTime() - t0;
        }
      }
      out.append(
          String.format(
              Locale.ROOT,
              "| %,d | %d + %d | %.1f | %.1f | %d | %,d |%n",
              ns.docs(),
              ns.info().walFiles(),
              ns.info().segments(),
              IngestBenchmark.percentile(warm, 50) / 1e6,
              IngestBenchmark.percentile(cold, 50) / 1e6,
              calls,
              bytes));
    }
    return out.toString();
  }
}
