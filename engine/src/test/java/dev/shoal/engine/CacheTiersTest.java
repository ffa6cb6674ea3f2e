package dev.shoal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.cache.CacheStats;
import dev.shoal.engine.manifest.NamespaceLayout;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.query.QueryRequest;
import dev.shoal.engine.query.QueryResult;
import dev.shoal.engine.query.RankBy;
import dev.shoal.engine.storage.CountingObjectStore;
import dev.shoal.engine.storage.InMemoryObjectStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache tiers under load: the memory and disk budgets hold, the disk tier survives a restart
 * and can be shared by two engines, and a pinned namespace stays in memory through eviction
 * pressure and a restart. Seeded ({@code -Dshoal.test.seed}); the seed is in every failure message.
 */
class CacheTiersTest {
  private static final int DIM = 32;

  @TempDir Path temp;

  private final long seed = Long.getLong("shoal.test.seed", new Random().nextLong());
  private final String why = "seed " + seed;
  private final Random random = new Random(seed);
  private final CountingObjectStore store = new CountingObjectStore(new InMemoryObjectStore());
  private final List<Engine> engines = new ArrayList<>();
  // Every document's vector, per namespace, to check answers against.
  private final Map<NamespacePath, Map<String, float[]>> vectors = new HashMap<>();

  @AfterEach
  void closeEngines() {
    engines.forEach(Engine::close);
  }

  private Engine engine(EngineConfig.Builder config) {
    Engine e = Engine.builder().store(store).config(config.autoCompact(false).build()).build();
    engines.add(e);
    return e;
  }

  /** Config of an engine that builds namespaces: each compaction folds the WAL into a segment. */
  private static EngineConfig.Builder writerConfig() {
    return EngineConfig.builder()
        .walCompactThreshold(1)
        .segmentCompactThreshold(100)
        .autoCompact(false);
  }

  private static NamespacePath ns(int i) {
    return NamespacePath.parse("acme/cache/ns-" + i);
  }

  /**
   * Builds namespaces {@code ns(from)} to {@code ns(to - 1)} with an engine of its own (closed
   * after, so that its caches hold nothing the tested engine could use).
   */
  private void build(int from, int to, int segments, int docs) {
    try (Engine writer = Engine.builder().store(store).config(writerConfig().build()).build()) {
      for (int i = from; i < to; i++) {
        fill(writer, ns(i), segments, docs);
      }
    }
  }

  /** Writes {@code segments} compacted batches of {@code docs} documents and a short WAL tail. */
  private void fill(Engine engine, NamespacePath ns, int segments, int docs) {
    Map<String, float[]> byId = vectors.computeIfAbsent(ns, k -> new HashMap<>());
    for (int s = 0; s <= segments; s++) {
      int n = s == segments ? 5 : docs; // the last batch stays in the WAL
      List<Document> batch = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String id = "d" + s + "-" + i;
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
          v[d] = (float) random.nextGaussian();
        }
        byId.put(id, v);
        batch.add(Document.of(id, v, Map.of("n", i, "group", "g" + (i % 7))));
      }
      engine.write(ns, WriteRequest.upsert(batch));
      if (s < segments) {
        assertThat(engine.compact(ns, false).performed()).as(why).isTrue();
      }
    }
  }

  /** Queries one random document of a namespace by its own vector: it must come first. */
  private QueryResult queryOne(Engine engine, NamespacePath ns, Random r) {
    List<String> ids = new ArrayList<>(vectors.get(ns).keySet());
    Collections.sort(ids);
    String id = ids.get(r.nextInt(ids.size()));
    QueryResult result =
        engine.query(
            ns,
            QueryRequest.builder()
                .rankBy(new RankBy.Vector(vectors.get(ns).get(id), true))
                .topK(1)
                .build());
    assertThat(result.rows()).as("nearest of %s in %s (%s)", id, ns, why).hasSize(1);
    assertThat(result.rows().get(0).id()).as("nearest of %s in %s (%s)", id, ns, why).isEqualTo(id);
    return result;
  }

  private String objectsPrefix(NamespacePath ns, String kind) {
    return NamespaceLayout.namespaceRoot(ns) + kind + "/";
  }

  private long objectReads(NamespacePath ns) {
    return store.readsUnder(objectsPrefix(ns, "wal"))
        + store.readsUnder(objectsPrefix(ns, "segments"));
  }

  private static long usedHeapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  // -----------------------------------------------------------------------------------------------
  // Memory tier

  @Test
  void memoryBudgetHoldsWhileManyNamespacesAreQueried() {
    int namespaces = 24;
    build(0, namespaces, 3, 400);
    long budget = 1L << 20;
    long before = usedHeapAfterGc();
    Engine engine = engine(EngineConfig.builder().memoryCacheBytes(budget));

    for (int round = 0; round < 4; round++) {
      for (int i = 0; i < namespaces; i++) {
        queryOne(engine, ns(i), random);
        queryOne(engine, ns(i), random);
        assertThat(engine.cacheStats().memoryBytes())
            .as("estimated memory after querying %s (%s)", ns(i), why)
            .isLessThanOrEqualTo(budget);
      }
    }

    CacheStats stats = engine.cacheStats();
    assertThat(stats.memoryEvictions()).as(why).isPositive();
    assertThat(stats.memoryBudgetBytes()).isEqualTo(budget);
    // The estimate must not hide what the cache keeps reachable: the heap the engine retains
    // (measured after full collections) stays near the budget, not near the ~10 MB of decoded
    // segments that went through it.
    long retained = usedHeapAfterGc() - before;
    System.out.println("memory budget test: retained " + retained + ", " + engine.cacheStats());
    assertThat(retained)
        .as("heap retained by an engine with a %d byte memory budget (%s)", budget, why)
        .isLessThan(3 * budget);
  }

  // -----------------------------------------------------------------------------------------------
  // Disk tier

  private static long bytesOfFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static long tempFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith(".")).count();
    }
  }

  @Test
  void diskBudgetHoldsWhileManyNamespacesAreRead() throws IOException {
    int namespaces = 16;
    build(0, namespaces, 3, 200);
    Path dir = temp.resolve("disk-cache");
    long budget = 256L << 10;
    // A small memory tier, so that reads keep going to the disk tier.
    Engine engine =
        engine(
            EngineConfig.builder()
                .memoryCacheBytes(64L << 10)
                .diskCacheDir(dir)
                .diskCacheBytes(budget));

    for (int q = 0; q < 100; q++) {
      // Skewed towards the first namespaces, so that some reads find their files again.
      NamespacePath ns = ns(random.nextInt(1 + random.nextInt(namespaces)));
      queryOne(engine, ns, random);
      {
        CacheStats stats = engine.cacheStats(); // settles pending evictions first
        assertThat(stats.diskBytes()).as("disk cache bytes (%s)", why).isLessThanOrEqualTo(budget);
        assertThat(bytesOfFiles(dir))
            .as("bytes of files in %s (%s)", dir, why)
            .isLessThanOrEqualTo(budget);
      }
    }

    CacheStats stats = engine.cacheStats();
    System.out.println("disk budget test: " + stats);
    assertThat(stats.diskEvictions()).as(why).isPositive();
    assertThat(stats.diskHits()).as(why).isPositive();
    assertThat(stats.diskBudgetBytes()).isEqualTo(budget);
    assertThat(tempFiles(dir)).as("temporary files left in %s (%s)", dir, why).isZero();
  }

  @Test
  void diskCacheServesReadsAfterARestart() {
    NamespacePath ns = ns(0);
    build(0, 1, 3, 300);
    Path dir = temp.resolve("disk-cache");
    EngineConfig.Builder config =
        EngineConfig.builder().diskCacheDir(dir).diskCacheBytes(64L << 20);
    Engine first = engine(config);
    queryOne(first, ns, random);
    assertThat(first.cacheStats().storeGets()).as(why).isPositive();
    first.close();
    engines.remove(first);

    store.reset();
    Engine second = engine(config);
    QueryResult result = queryOne(second, ns, random);

    CacheStats stats = second.cacheStats();
    assertThat(stats.diskHits()).as(why).isPositive();
    assertThat(stats.diskMisses()).as(why).isZero();
    assertThat(stats.storeGets()).as(why).isZero();
    assertThat(objectReads(ns)).as("store reads of WAL batches and segments (%s)", why).isZero();
    assertThat(result.performance().cache()).isEqualTo("warm");
  }

  @Test
  void twoEnginesShareOneDiskCacheFolder() throws Exception {
    int namespaces = 12;
    build(0, namespaces, 2, 200);
    Path dir = temp.resolve("disk-cache");
    long budget = 512L << 10;
    EngineConfig.Builder config =
        EngineConfig.builder().memoryCacheBytes(64L << 10).diskCacheDir(dir).diskCacheBytes(budget);
    Engine a = engine(config);
    for (int i = 0; i < namespaces; i++) {
      queryOne(a, ns(i), random);
    }
    // b starts on the files a wrote; then both read, fill and evict the folder at once.
    Engine b = engine(config);
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    List<Thread> readers = new ArrayList<>();
    for (Engine e : List.of(a, b, a, b)) {
      Random r = new Random(random.nextLong());
      Thread t =
          new Thread(
              () -> {
                try {
                  for (int q = 0; q < 60; q++) {
                    queryOne(e, ns(r.nextInt(namespaces)), r);
                  }
                } catch (Throwable x) {
                  errors.add(x);
                }
              },
              "reader-" + readers.size());
      readers.add(t);
      t.start();
    }
    for (Thread t : readers) {
      t.join();
    }

    assertThat(errors).as(why).isEmpty();
    assertThat(b.cacheStats().diskHits()).as("b read files a wrote (%s)", why).isPositive();
    // Each engine keeps its own index and budget: together they stay within the sum.
    long used = a.cacheStats().diskBytes() + b.cacheStats().diskBytes();
    assertThat(used).as(why).isLessThanOrEqualTo(2 * budget);
    assertThat(bytesOfFiles(dir)).as(why).isLessThanOrEqualTo(2 * budget);
  }

  // -----------------------------------------------------------------------------------------------
  // Pins

  @Test
  void pinnedNamespaceStaysHotUnderEvictionPressure() {
    NamespacePath pinned = ns(0);
    int others = 16;
    build(0, 1, 3, 300);
    build(1, others + 1, 2, 300);
    long budget = 512L << 10;
    Engine engine = engine(EngineConfig.builder().memoryCacheBytes(budget));
    engine.pin(pinned);

    for (int round = 0; round < 3; round++) {
      for (int i = 1; i <= others; i++) {
        queryOne(engine, ns(i), random);
      }
      store.reset();
      for (int q = 0; q < 5; q++) {
        assertThat(queryOne(engine, pinned, random).performance().cache())
            .as("cache temperature of the pinned namespace, round %d (%s)", round, why)
            .isEqualTo("hot");
      }
      assertThat(objectReads(pinned)).as("store reads for the pinned namespace (%s)", why).isZero();
    }
    assertThat(engine.cacheStats().memoryEvictions()).as(why).isPositive();
    assertThat(engine.cacheStats().memoryBytes()).as(why).isLessThanOrEqualTo(budget);
    assertThat(engine.getNamespace(pinned).pinned()).isTrue();
  }

  @Test
  void pinnedNamespaceLargerThanTheBudgetKeepsItsObjectsThroughItsOwnCompaction() {
    NamespacePath pinned = ns(0);
    build(0, 1, 3, 400);
    long budget = 32L << 10; // smaller than any one of its segments
    Engine engine = engine(writerConfig().memoryCacheBytes(budget));
    engine.pin(pinned);
    build(1, 4, 1, 400); // other namespaces, through another engine

    store.reset();
    fill(engine, pinned, 1, 50); // one more segment folded from the WAL, and a new tail
    queryOne(engine, pinned, random);
    // Only the objects the write and the compaction created may be read back; the pinned ones
    // stay in memory whatever the budget.
    assertThat(store.readsUnder(objectsPrefix(pinned, "segments")))
        .as("segment reads after the pinned namespace's compaction (%s)", why)
        .isLessThanOrEqualTo(1);
    store.reset();
    assertThat(queryOne(engine, pinned, random).performance().cache()).as(why).isEqualTo("hot");
    assertThat(objectReads(pinned)).as(why).isZero();
  }

  @Test
  void pinnedNamespaceIsWarmedAgainAfterARestart() throws Exception {
    NamespacePath pinned = ns(0);
    build(0, 1, 3, 300);
    build(1, 9, 2, 300);
    try (Engine first = Engine.builder().store(store).build()) {
      first.pin(pinned);
    }
    store.reset();

    ThreadPoolExecutor background =
        new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    try {
      Engine restarted =
          Engine.builder()
              .store(store)
              .config(
                  EngineConfig.builder().memoryCacheBytes(256L << 10).autoCompact(false).build())
              .backgroundExecutor(background)
              .build();
      engines.add(restarted);
      restarted.restorePins();
      // Warming runs on the (single-threaded, FIFO) background executor: once a task queued
      // after it has run, it is done. The wait is bounded; nothing sleeps.
      background.submit(() -> {}).get(30, TimeUnit.SECONDS);
      assertThat(objectReads(pinned)).as("the pinned namespace was loaded (%s)", why).isPositive();

      for (int i = 1; i <= 8; i++) {
        queryOne(restarted, ns(i), random);
      }
      store.reset();
      assertThat(queryOne(restarted, pinned, random).performance().cache())
          .as("first query of the pinned namespace after a restart (%s)", why)
          .isEqualTo("hot");
      assertThat(objectReads(pinned)).as(why).isZero();
    } finally {
      background.shutdown();
    }
  }
}
