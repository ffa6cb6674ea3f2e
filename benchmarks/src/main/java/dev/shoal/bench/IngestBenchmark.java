package dev.shoal.bench;

import dev.shoal.engine.Engine;
import dev.shoal.engine.EngineConfig;
import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.LocalFileStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Ingest through the engine into a {@link LocalFileStore} in a temporary folder, against a baseline
 * of writing the same files as plain files in the same run, and the object-store round trips on the
 * critical path of one uncontended write.
 *
 * <h2>Throughput</h2>
 *
 * One thread writes pre-generated documents (a {@code dim}-dimensional vector, an id and four
 * attributes) in batches of {@code batch} with {@code engine.write}, one after the other. Every
 * object the engine writes meanwhile (WAL batches, manifest versions, heads) is recorded with its
 * size; the baseline then writes the same number of files of the same sizes, one after the other,
 * each as LocalFileStore makes an object durable: create a new file, write it, {@code
 * FileChannel.force(true)}, close, then force its folder. (LocalFileStore also renames or links a
 * temporary file into place; the baseline does not.) A second baseline forces the files only, not
 * the folder. The ratio is engine docs/s over baseline docs/s (= baseline time / engine time).
 * Rounds alternate engine and baseline, after unmeasured warm-up rounds; each round uses fresh
 * folders.
 *
 * <h2>Round trips</h2>
 *
 * After warm-up writes, each of {@code trips} writes is traced: the store calls made on the
 * caller's thread and the engine's commit thread between the start and the return of {@code
 * engine.write} are its critical path (they run one after the other on the commit thread); calls on
 * the background threads (head updates, manifest expiry) are counted apart.
 *
 * <p>The machine these numbers come from is shared, so every round is printed and the summary is
 * the median of the per-round ratios, with their range.
 *
 * <p>Arguments (all optional): {@code --docs 100000 --batch 1000 --dim 128 --rounds 5 --warmup 2
 * --trips 200 --seed 42 --dir <parent of the temporary folders>}; the {@code --warmup} rounds run
 * like the others and are not measured.
 */
public final class IngestBenchmark {
  private static final NamespacePath NS = NamespacePath.parse("acme/bench/ingest");

  private IngestBenchmark() {}

  public static void main(String[] args) throws Exception {
    int docs = 100_000;
    int batch = 1_000;
    int dim = 128;
    int rounds = 5;
    int warmup = 2;
    int trips = 200;
    long seed = 42;
    Path parent = Path.of(System.getProperty("java.io.tmpdir"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--docs" -> docs = Integer.parseInt(args[i + 1]);
        case "--batch" -> batch = Integer.parseInt(args[i + 1]);
        case "--dim" -> dim = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--trips" -> trips = Integer.parseInt(args[i + 1]);
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        case "--dir" -> parent = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("Cannot parse arguments: unknown " + args[i]);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "IngestBenchmark: %,d docs of %d dims in batches of %,d, %d rounds after %d unmeasured,"
            + " seed %d, Java %s,"
            + " %d processors, folder %s%n",
        docs,
        dim,
        batch,
        rounds,
        warmup,
        seed,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        parent);

    List<List<Document>> batches = documents(docs, batch, dim, new Random(seed));
    long rawBytes = rawBytes(batches);
    System.out.printf(
        Locale.ROOT,
        "raw document bytes: %,d (%d per doc: id, %d-float vector, attribute names and values)%n%n",
        rawBytes,
        rawBytes / docs,
        dim);

    // Warm-up rounds, unmeasured: in a fresh JVM the first few full ingests run up to twice as
    // slow as later ones (JIT compilation, heap sizing), which says nothing about the engine.
    for (int w = 0; w < warmup; w++) {
      Run warmRun = ingest(parent, batches, false);
      baseline(parent, warmRun.sizes(), true);
      ingest(parent, batches, true);
    }

    List<Run> engineRuns = new ArrayList<>();
    List<Long> baselineNanos = new ArrayList<>();
    List<Long> baselineNoDirNanos = new ArrayList<>();
    List<Run> compactingRuns = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      Run run = ingest(parent, batches, false);
      long base = baseline(parent, run.sizes(), true);
      long baseNoDir = baseline(parent, run.sizes(), false);
      Run compacting = ingest(parent, batches, true);
      engineRuns.add(run);
      baselineNanos.add(base);
      baselineNoDirNanos.add(baseNoDir);
      compactingRuns.add(compacting);
      System.out.printf(
          Locale.ROOT,
          "round %d: engine %.2f s (%d files, %,d bytes), baseline %.2f s, ratio %.2f;"
              + " baseline without folder fsync %.2f s; engine with autoCompact %.2f s (ratio %.2f)%n",
          r + 1,
          run.nanos() / 1e9,
          run.sizes().length,
          Arrays.stream(run.sizes()).sum(),
          base / 1e9,
          (double) base / run.nanos(),
          baseNoDir / 1e9,
          compacting.nanos() / 1e9,
          (double) base / compacting.nanos());
    }

    long[] engineNanos = engineRuns.stream().mapToLong(Run::nanos).toArray();
    long[] compactingNanos = compactingRuns.stream().mapToLong(Run::nanos).toArray();
    long[] baseNanos = baselineNanos.stream().mapToLong(Long::longValue).toArray();
    long[] baseNoDirNanos = baselineNoDirNanos.stream().mapToLong(Long::longValue).toArray();
    Run median = engineRuns.get(medianIndex(engineNanos));
    Run compacting = compactingRuns.get(medianIndex(compactingNanos));
    long files = median.sizes().length;
    long bytes = Arrays.stream(median.sizes()).sum();
    System.out.println();
    System.out.println(
        "| run | median time s | docs/s | MB/s | ratio to baseline (median of rounds) | range |");
    System.out.println("|---|---|---|---|---|---|");
    row("engine, autoCompact off", engineNanos, docs, bytes, baseNanos);
    row(
        "engine, autoCompact on (until the last write returns)",
        compactingNanos,
        docs,
        bytes,
        baseNanos);
    row("baseline: " + files + " files, file + folder fsync", baseNanos, docs, bytes, baseNanos);
    row("baseline: " + files + " files, file fsync only", baseNoDirNanos, docs, bytes, baseNanos);
    System.out.printf(
        Locale.ROOT, "%nengine objects written (autoCompact off): %s%n", median.breakdown());
    System.out.printf(
        Locale.ROOT,
        "engine objects written (autoCompact on, until the last write returns): %s%n",
        compacting.breakdown());

    roundTrips(parent, batches, trips);
  }

  /** One summary row: median time, and the median and range of the per-round ratios. */
  private static void row(String name, long[] nanos, int docs, long bytes, long[] baselineNanos) {
    long[] ratios = new long[nanos.length]; // in thousandths
    for (int i = 0; i < nanos.length; i++) {
      ratios[i] = Math.round(1000.0 * baselineNanos[i] / nanos[i]);
    }
    long time = nanos[medianIndex(nanos)];
    System.out.printf(
        Locale.ROOT,
        "| %s | %.2f | %,.0f | %.1f | %.2f | %.2f-%.2f |%n",
        name,
        time / 1e9,
        docs / (time / 1e9),
        bytes / 1e6 / (time / 1e9),
        ratios[medianIndex(ratios)] / 1000.0,
        Arrays.stream(ratios).min().orElse(0) / 1000.0,
        Arrays.stream(ratios).max().orElse(0) / 1000.0);
  }

  /** What one engine ingest did. */
  private record Run(long nanos, long[] sizes, String breakdown) {}

  private static Run ingest(Path parent, List<List<Document>> batches, boolean autoCompact)
      throws IOException {
    Path dir = Files.createTempDirectory(parent, "shoal-ingest-");
    try (LocalFileStore local = new LocalFileStore(dir)) {
      StoreProbe store = new StoreProbe(local);
      long nanos;
      List<StoreProbe.Call> calls;
      String breakdown;
      try (Engine engine =
          Engine.builder()
              .store(store)
              .config(EngineConfig.builder().autoCompact(autoCompact).build())
              .build()) {
        store.startTrace();
        long t0 = System.nanoTime();
        for (List<Document> b : batches) {
          engine.write(NS, WriteRequest.upsert(b));
        }
        nanos = System.nanoTime() - t0;
        calls = store.stopTrace();
        breakdown = breakdown(store);
      }
      long[] sizes =
          calls.stream()
              .filter(c -> c.op().equals("put") || c.op().equals("putIfAbsent"))
              .mapToLong(StoreProbe.Call::bytes)
              .toArray();
      return new Run(nanos, sizes, breakdown);
    } finally {
      deleteTree(dir);
    }
  }

  private static String breakdown(StoreProbe store) {
    StringBuilder sb = new StringBuilder();
    for (StoreProbe.Kind k : StoreProbe.Kind.values()) {
      if (store.objectsWritten(k) > 0) {
        sb.append(
            String.format(
                Locale.ROOT,
                "%s%s %,d objects / %,d bytes",
                sb.length() == 0 ? "" : "; ",
                k.name().toLowerCase(Locale.ROOT),
                store.objectsWritten(k),
                store.bytesWritten(k)));
      }
    }
    return sb.toString();
  }

  /**
   * Writes files of these sizes one after the other into a fresh folder: create, write, force the
   * file, close, and (with {@code syncFolder}) force the folder. Returns the elapsed nanoseconds.
   */
  private static long baseline(Path parent, long[] sizes, boolean syncFolder) throws IOException {
    Path dir = Files.createTempDirectory(parent, "shoal-baseline-");
    try {
      int max = (int) Arrays.stream(sizes).max().orElse(0);
      byte[] content = new byte[max];
      new Random(1).nextBytes(content);
      long t0 = System.nanoTime();
      for (int i = 0; i < sizes.length; i++) {
        Path file = dir.resolve("f" + i);
        try (FileChannel ch =
            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          ByteBuffer buf = ByteBuffer.wrap(content, 0, (int) sizes[i]);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          ch.force(true);
        }
        if (syncFolder) {
          try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
          }
        }
      }
      return System.nanoTime() - t0;
    } finally {
      deleteTree(dir);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Round trips

  private static void roundTrips(Path parent, List<List<Document>> batches, int trips)
      throws IOException {
    Path dir = Files.createTempDirectory(parent, "shoal-trips-");
    try (LocalFileStore local = new LocalFileStore(dir)) {
      StoreProbe store = new StoreProbe(local);
      try (Engine engine =
          Engine.builder()
              .store(store)
              .config(EngineConfig.builder().autoCompact(false).build())
              .build()) {
        int warmup = Math.min(20, batches.size() / 2);
        for (int i = 0; i < warmup; i++) {
          engine.write(NS, WriteRequest.upsert(batches.get(i)));
        }
        long[] starts = new long[trips];
        long[] ends = new long[trips];
        store.startTrace();
        long traceStart = System.nanoTime();
        for (int i = 0; i < trips; i++) {
          // Past the end, batches are written again: upserts of the same ids, the same work.
          List<Document> b = batches.get((warmup + i) % batches.size());
          starts[i] = System.nanoTime();
          engine.write(NS, WriteRequest.upsert(b));
          ends[i] = System.nanoTime();
        }
        long traceNanos = System.nanoTime() - traceStart;
        List<StoreProbe.Call> calls = store.stopTrace();

        Map<String, Integer> background = new TreeMap<>();
        List<List<StoreProbe.Call>> critical = new ArrayList<>();
        for (int i = 0; i < trips; i++) {
          critical.add(new ArrayList<>());
        }
        int outside = 0;
        for (StoreProbe.Call c : calls) {
          if (isBackground(c)) {
            background.merge(describe(c), 1, Integer::sum);
            continue;
          }
          int i = Arrays.binarySearch(starts, c.startNanos());
          i = i >= 0 ? i : -i - 2; // the last write that started before the call
          if (i >= 0 && c.endNanos() <= ends[i]) {
            critical.get(i).add(c);
          } else {
            outside++;
          }
        }
        Map<String, Integer> patterns = new TreeMap<>();
        long[] latencies = new long[trips];
        long[] walNanos = new long[trips];
        long[] manifestNanos = new long[trips];
        int overlapping = 0;
        for (int i = 0; i < trips; i++) {
          latencies[i] = ends[i] - starts[i];
          List<StoreProbe.Call> path = critical.get(i);
          path.sort(Comparator.comparingLong(StoreProbe.Call::startNanos));
          StringBuilder p = new StringBuilder();
          for (int j = 0; j < path.size(); j++) {
            StoreProbe.Call c = path.get(j);
            if (j > 0 && c.startNanos() < path.get(j - 1).endNanos()) {
              overlapping++;
            }
            p.append(j == 0 ? "" : " -> ").append(describe(c));
            if (c.kind() == StoreProbe.Kind.WAL) {
              walNanos[i] += c.endNanos() - c.startNanos();
            } else if (c.kind() == StoreProbe.Kind.MANIFEST) {
              manifestNanos[i] += c.endNanos() - c.startNanos();
            }
          }
          patterns.merge(path.size() + ": " + p, 1, Integer::sum);
        }

        System.out.printf(
            Locale.ROOT,
            "%nround trips on the critical path of one uncontended write (%d writes of %,d docs"
                + " after %d warm-up writes, autoCompact off):%n",
            trips,
            batches.get(0).size(),
            warmup);
        System.out.println("| sequential store calls | writes |");
        System.out.println("|---|---|");
        patterns.forEach((k, v) -> System.out.printf(Locale.ROOT, "| %s | %d |%n", k, v));
        System.out.printf(
            Locale.ROOT,
            "critical-path calls overlapping another one: %d (0: strictly sequential);"
                + " foreground calls outside any write: %d%n",
            overlapping,
            outside);
        System.out.printf(
            Locale.ROOT,
            "write latency p50 %.1f ms, p99 %.1f ms; WAL put p50 %.1f ms; manifest create p50 %.1f"
                + " ms%n",
            percentile(latencies, 50) / 1e6,
            percentile(latencies, 99) / 1e6,
            percentile(walNanos, 50) / 1e6,
            percentile(manifestNanos, 50) / 1e6);
        System.out.printf(
            Locale.ROOT,
            "background calls during those %d writes (%.1f s), off the critical path:%n",
            trips,
            traceNanos / 1e9);
        background.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %s: %d%n", k, v));
      }
    } finally {
      deleteTree(dir);
    }
  }

  private static boolean isBackground(StoreProbe.Call c) {
    return c.thread().startsWith("shoal-background");
  }

  private static String describe(StoreProbe.Call c) {
    return c.op() + " " + c.kind().name().toLowerCase(Locale.ROOT);
  }

  // ---------------------------------------------------------------------------------------------
  // Data

  static List<List<Document>> documents(int docs, int batch, int dim, Random random) {
    List<List<Document>> batches = new ArrayList<>();
    List<Document> current = new ArrayList<>(batch);
    for (int i = 0; i < docs; i++) {
      float[] v = new float[dim];
      for (int d = 0; d < dim; d++) {
        v[d] = (float) random.nextGaussian();
      }
      Map<String, Object> attrs =
          Map.of(
              "category",
              "c" + random.nextInt(50),
              "year",
              1990 + random.nextInt(35),
              "price",
              Math.round(random.nextDouble() * 10_000) / 100.0,
              "tags",
              List.of("t" + random.nextInt(20), "t" + (20 + random.nextInt(20))));
      current.add(Document.of(String.format(Locale.ROOT, "doc-%08d", i), v, attrs));
      if (current.size() == batch) {
        batches.add(current);
        current = new ArrayList<>(batch);
      }
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  /** Id bytes, 4 bytes per float, attribute names and values as UTF-8 text. */
  static long rawBytes(List<List<Document>> batches) {
    long n = 0;
    for (List<Document> b : batches) {
      for (Document d : b) {
        n += d.id().getBytes(StandardCharsets.UTF_8).length;
        n += d.vector() == null ? 0 : 4L * d.vector().length;
        for (Map.Entry<String, Object> e : d.attrs().entrySet()) {
          n += e.getKey().length() + String.valueOf(e.getValue()).length();
        }
      }
    }
    return n;
  }

  // ---------------------------------------------------------------------------------------------

  static long percentile(long[] values, int p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static int medianIndex(long[] values) {
    Integer[] idx = new Integer[values.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, Comparator.comparingLong(i -> values[i]));
    return idx[idx.length / 2];
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + root, e);
    }
  }
}
