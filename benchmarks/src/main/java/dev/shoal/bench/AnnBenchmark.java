package dev.shoal.bench;

import dev.shoal.engine.index.Bits;
import dev.shoal.engine.index.RangeReader;
import dev.shoal.engine.index.vector.IvfIndex;
import dev.shoal.engine.index.vector.IvfIndexWriter;
import dev.shoal.engine.index.vector.SearchParams;
import dev.shoal.engine.index.vector.VectorKernels;
import dev.shoal.engine.index.vector.VectorSearchResult;
import dev.shoal.engine.model.DistanceMetric;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Shoal's IVF index against Lucene HNSW and exact search on the same generated clustered data, in
 * one JVM: recall@10 (against exact search), single-thread latency p50/p99, QPS, build time,
 * filtered recall, and the heap of a loaded index. See benchmarks/README.md ("ANN").
 *
 * <p>Arguments: {@code --scale F} (multiplies both data set sizes; default 1), {@code --queries N}
 * (default 1000), {@code --warmup N} (default 300), {@code --skip-lucene}, {@code --seed S}.
 */
public final class AnnBenchmark {

  private static final int K = 10;

  private final double scale;
  private final int queries;
  private final int warmup;
  private final boolean lucene;
  private final long seed;

  private AnnBenchmark(double scale, int queries, int warmup, boolean lucene, long seed) {
    this.scale = scale;
    this.queries = queries;
    this.warmup = warmup;
    this.lucene = lucene;
    this.seed = seed;
  }

  public static void main(String[] args) throws Exception {
    double scale = 1.0;
    int queries = 1000;
    int warmup = 300;
    boolean lucene = true;
    long seed = 20261123L;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--scale" -> scale = Double.parseDouble(args[++i]);
        case "--queries" -> queries = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--skip-lucene" -> lucene = false;
        case "--seed" -> seed = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
      }
    }
    AnnBenchmark bench = new AnnBenchmark(scale, queries, warmup, lucene, seed);
    System.out.printf(
        Locale.ROOT,
        "# Shoal ANN benchmark%n%nJava %s, %d cores, max heap %d MiB, Shoal kernels: %s,"
            + " scale %.3f, %d queries (%d warm-up), k=%d, single-threaded queries%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        VectorKernels.implementation(),
        scale,
        queries,
        warmup,
        K);
    bench.run(
        "200k x 128, euclidean",
        (int) Math.round(200_000 * scale),
        128,
        DistanceMetric.EUCLIDEAN,
        false);
    bench.run(
        "100k x 768, cosine", (int) Math.round(100_000 * scale), 768, DistanceMetric.COSINE, true);
  }

  private record Row(
      String system,
      String setting,
      double recall,
      double p50,
      double p99,
      double qps,
      String extra) {}

  private void run(String title, int n, int dim, DistanceMetric metric, boolean measureHeap)
      throws Exception {
    System.out.printf(Locale.ROOT, "%n## %s (n=%d, dim=%d)%n%n", title, n, dim);
    Random random = new Random(seed + dim);
    int centers = Math.max(10, n / 200);
    float[][] centres = new float[centers][dim];
    for (float[] c : centres) {
      for (int j = 0; j < dim; j++) {
        c[j] = (float) random.nextGaussian();
      }
    }
    float[] data = points(n, dim, centres, random);
    float[] queryData = points(queries, dim, centres, random);
    System.out.printf(
        Locale.ROOT,
        "Data: %d Gaussian centres N(0,1), points = centre + N(0, 0.6^2) per coordinate;"
            + " queries drawn the same way (not in the data).%n%n",
        centers);

    // Shoal build.
    ExecutorService pool = Executors.newFixedThreadPool(2);
    long t0 = System.nanoTime();
    byte[] bytes = IvfIndexWriter.builder(metric, dim).executor(pool).build().write(data);
    double shoalBuild = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    IvfIndex index = IvfIndex.load(RangeReader.of(bytes), "bench");
    System.out.printf(
        Locale.ROOT,
        "Shoal IVF: %d clusters, %s codes, default nprobe auto, index %.1f MiB, build %.1f s (2"
            + " threads for k-means)%n",
        index.clusters(),
        index.quantization(),
        bytes.length / 1048576.0,
        shoalBuild);

    // Ground truth: exact search.
    int[][] truth = new int[queries][];
    long[] exactTimes = new long[queries];
    IntFunction<float[]> query = i -> Arrays.copyOfRange(queryData, i * dim, (i + 1) * dim);
    for (int i = 0; i < Math.min(warmup, queries); i++) {
      index.exactSearch(query.apply(i), K, null);
    }
    for (int i = 0; i < queries; i++) {
      float[] q = query.apply(i);
      long s = System.nanoTime();
      truth[i] = index.exactSearch(q, K, null).ordinals();
      exactTimes[i] = System.nanoTime() - s;
    }
    List<Row> rows = new ArrayList<>();
    Row exact = row("exact (Shoal exactSearch)", "all vectors", 1.0, exactTimes, "");
    rows.add(exact);

    int[][] variants = {{0, 0}, {4, 0}, {16, 0}, {32, 0}, {4, 100}, {8, 100}, {4, 400}};
    for (int[] v : variants) {
      SearchParams params = new SearchParams(v[0], v[1], -1);
      long[] scanned = new long[1];
      Row r =
          measure(
              "Shoal IVF",
              (v[0] == 0
                      ? "nprobe auto("
                          + index.search(query.apply(0), K, null).stats().clustersProbed()
                          + ")"
                      : "nprobe " + v[0])
                  + (v[1] == 0 ? "" : ", rerank " + v[1]),
              truth,
              query,
              q -> {
                VectorSearchResult res = index.search(q, K, null, params);
                scanned[0] += res.stats().codesScanned();
                return res.ordinals();
              });
      rows.add(
          new Row(
              r.system,
              r.setting,
              r.recall,
              r.p50,
              r.p99,
              r.qps,
              String.format(
                  Locale.ROOT,
                  "%.0f codes/query",
                  scanned[0] / (double) (queries + Math.min(warmup, queries)))));
    }

    // Reading through a RangeReader (bytes in heap): what a search over the disk cache costs.
    IvfIndex opened = IvfIndex.open(RangeReader.of(bytes), "bench-opened");
    long[] readBytes = new long[1];
    Row o =
        measure(
            "Shoal IVF via RangeReader",
            "nprobe auto, blocks decoded per query",
            truth,
            query,
            q -> {
              VectorSearchResult res = opened.search(q, K, null);
              readBytes[0] += res.stats().bytesRead();
              return res.ordinals();
            });
    rows.add(
        new Row(
            o.system,
            o.setting,
            o.recall,
            o.p50,
            o.p99,
            o.qps,
            String.format(
                Locale.ROOT,
                "1 round, %.2f MiB read/query",
                readBytes[0] / 1048576.0 / (queries + Math.min(warmup, queries)))));

    // Lucene HNSW.
    if (lucene) {
      rows.addAll(luceneRows(data, n, dim, metric, truth, query));
    }

    printTable(rows);
    Row bestShoal = best(rows, "Shoal IVF");
    Row bestLucene = best(rows, "Lucene HNSW");
    Row defaultShoal = rows.get(1);
    System.out.printf(
        Locale.ROOT, "%nexact p50 / Shoal default p50 = %.1fx%n", exact.p50 / defaultShoal.p50);
    if (bestShoal != null && bestLucene != null) {
      System.out.printf(
          Locale.ROOT,
          "fastest with recall >= 0.95: Shoal %s p50 %.3f ms, Lucene %s p50 %.3f ms;"
              + " Shoal p50 / Lucene p50 = %.2f%n",
          bestShoal.setting,
          bestShoal.p50,
          bestLucene.setting,
          bestLucene.p50,
          bestShoal.p50 / bestLucene.p50);
    }

    // Filtered ANN with the default parameters.
    List<Row> filtered = new ArrayList<>();
    for (double pass : new double[] {0.5, 0.05, 0.005}) {
      Bits allowed = randomBits(n, pass, seed + (long) (pass * 1000));
      int[][] ftruth = new int[queries][];
      long[] ftimes = new long[queries];
      for (int i = 0; i < queries; i++) {
        float[] q = query.apply(i);
        long s = System.nanoTime();
        ftruth[i] = index.exactSearch(q, K, allowed).ordinals();
        ftimes[i] = System.nanoTime() - s;
      }
      filtered.add(row("exact (Shoal exactSearch)", "filter passes " + pct(pass), 1.0, ftimes, ""));
      boolean[] wasExact = new boolean[1];
      Row r =
          measure(
              "Shoal IVF",
              "filter passes " + pct(pass),
              ftruth,
              query,
              q -> {
                VectorSearchResult res = index.search(q, K, allowed);
                wasExact[0] = res.stats().exact();
                return res.ordinals();
              });
      filtered.add(
          new Row(
              r.system,
              r.setting,
              r.recall,
              r.p50,
              r.p99,
              r.qps,
              wasExact[0] ? "exact fallback" : "IVF"));
    }
    System.out.printf(Locale.ROOT, "%nFiltered (random filters, default parameters):%n%n");
    printTable(filtered);

    if (measureHeap) {
      measureHeap(bytes, n, dim);
    }
    Reference.reachabilityFence(index);
  }

  private interface Searcher {
    int[] search(float[] q) throws Exception;
  }

  private Row measure(
      String system, String setting, int[][] truth, IntFunction<float[]> query, Searcher s)
      throws Exception {
    for (int i = 0; i < Math.min(warmup, queries); i++) {
      s.search(query.apply(i));
    }
    long[] times = new long[queries];
    double recall = 0;
    for (int i = 0; i < queries; i++) {
      float[] q = query.apply(i);
      long t = System.nanoTime();
      int[] got = s.search(q);
      times[i] = System.nanoTime() - t;
      recall += recall(truth[i], got);
    }
    return row(system, setting, recall / queries, times, "");
  }

  private static Row row(String system, String setting, double recall, long[] times, String extra) {
    long[] sorted = times.clone();
    Arrays.sort(sorted);
    double total = Arrays.stream(times).sum() / 1e9;
    return new Row(
        system,
        setting,
        recall,
        sorted[sorted.length / 2] / 1e6,
        sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6,
        times.length / total,
        extra);
  }

  private List<Row> luceneRows(
      float[] data,
      int n,
      int dim,
      DistanceMetric metric,
      int[][] truth,
      IntFunction<float[]> query)
      throws Exception {
    // Cosine data is normalized and indexed with DOT_PRODUCT, Lucene's recommended (faster) way.
    VectorSimilarityFunction sim =
        metric == DistanceMetric.EUCLIDEAN
            ? VectorSimilarityFunction.EUCLIDEAN
            : VectorSimilarityFunction.DOT_PRODUCT;
    boolean normalize = metric == DistanceMetric.COSINE;
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    IndexWriterConfig config =
        new IndexWriterConfig()
            .setRAMBufferSizeMB(1900)
            .setMergePolicy(NoMergePolicy.INSTANCE)
            .setUseCompoundFile(false);
    long t0 = System.nanoTime();
    try (IndexWriter writer = new IndexWriter(dir, config)) {
      for (int i = 0; i < n; i++) {
        float[] v = Arrays.copyOfRange(data, i * dim, (i + 1) * dim);
        if (normalize) {
          VectorKernels.normalize(v, 0, dim);
        }
        Document doc = new Document();
        doc.add(new KnnFloatVectorField("v", v, sim));
        writer.addDocument(doc);
      }
      writer.commit();
    }
    double build = (System.nanoTime() - t0) / 1e9;
    DirectoryReader reader = DirectoryReader.open(dir);
    if (reader.leaves().size() != 1) {
      throw new IllegalStateException("expected one segment, got " + reader.leaves().size());
    }
    IndexSearcher searcher = new IndexSearcher(reader);
    searcher.setQueryCache(null);
    System.out.printf(
        Locale.ROOT,
        "Lucene HNSW (9.12, M=16, beamWidth=100, %s): build %.1f s (1 thread), index %.1f MiB%n",
        sim,
        build,
        Arrays.stream(dir.listAll())
                .mapToLong(
                    f -> {
                      try {
                        return dir.fileLength(f);
                      } catch (IOException e) {
                        throw new RuntimeException(e);
                      }
                    })
                .sum()
            / 1048576.0);
    List<Row> rows = new ArrayList<>();
    for (int kq : new int[] {10, 20, 50, 100}) {
      rows.add(
          measure(
              "Lucene HNSW",
              "k " + kq + " (top 10 kept)",
              truth,
              query,
              q -> {
                if (normalize) {
                  VectorKernels.normalize(q, 0, q.length);
                }
                TopDocs td = searcher.search(new KnnFloatVectorQuery("v", q, kq), kq);
                int m = Math.min(K, td.scoreDocs.length);
                int[] out = new int[m];
                for (int i = 0; i < m; i++) {
                  out[i] = td.scoreDocs[i].doc;
                }
                return out;
              }));
    }
    reader.close();
    return rows;
  }

  private void measureHeap(byte[] bytes, int n, int dim) throws Exception {
    Path file = Files.createTempFile("shoal-ann", ".idx");
    try {
      Files.write(file, bytes);
      MappedByteBuffer mapped;
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
      }
      long before = usedHeapAfterGc();
      IvfIndex loaded = IvfIndex.load(RangeReader.of(mapped), "heap");
      long after = usedHeapAfterGc();
      double raw = (double) n * dim * Float.BYTES;
      System.out.printf(
          Locale.ROOT,
          "%nHeap of the loaded index (read from a memory-mapped file, so the index bytes are off"
              + " heap): measured %.1f MiB = %.3fx raw float32 vectors (%.1f MiB), from used heap"
              + " after System.gc() before and after load (MemoryMXBean); counted from its arrays"
              + " (heapBytes): %.3fx%n",
          (after - before) / 1048576.0,
          (after - before) / raw,
          raw / 1048576.0,
          loaded.heapBytes() / raw);
      Reference.reachabilityFence(loaded);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static Row best(List<Row> rows, String system) {
    Row best = null;
    for (Row r : rows) {
      if (r.system.equals(system) && r.recall >= 0.95 && (best == null || r.p50 < best.p50)) {
        best = r;
      }
    }
    return best;
  }

  private static void printTable(List<Row> rows) {
    System.out.println("| system | setting | recall@10 | p50 ms | p99 ms | QPS | notes |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (Row r : rows) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %.3f | %.3f | %.3f | %.0f | %s |%n",
          r.system,
          r.setting,
          r.recall,
          r.p50,
          r.p99,
          r.qps,
          r.extra);
    }
  }

  private static float[] points(int n, int dim, float[][] centres, Random random) {
    float[] out = new float[n * dim];
    for (int i = 0; i < n; i++) {
      float[] c = centres[random.nextInt(centres.length)];
      for (int j = 0; j < dim; j++) {
        out[i * dim + j] = c[j] + (float) (random.nextGaussian() * 0.6);
      }
    }
    return out;
  }

  private static double recall(int[] truth, int[] got) {
    int hits = 0;
    for (int t : truth) {
      for (int g : got) {
        if (g == t) {
          hits++;
          break;
        }
      }
    }
    return truth.length == 0 ? 1.0 : hits / (double) truth.length;
  }

  private static String pct(double p) {
    return String.format(Locale.ROOT, "%.1f%%", p * 100);
  }

  private static Bits randomBits(int n, double p, long seed) {
    Random r = new Random(seed);
    BitSet set = new BitSet(n);
    for (int i = 0; i < n; i++) {
      if (r.nextDouble() < p) {
        set.set(i);
      }
    }
    int card = set.cardinality();
    return new Bits() {
      @Override
      public boolean get(int ord) {
        return set.get(ord);
      }

      @Override
      public int length() {
        return n;
      }

      @Override
      public int cardinality() {
        return card;
      }
    };
  }
}
