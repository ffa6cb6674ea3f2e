package dev.shoal.engine;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.cache.CacheStats;
import dev.shoal.engine.cache.DiskCache;
import dev.shoal.engine.cache.MemoryCache;
import dev.shoal.engine.cache.ObjectCache;
import dev.shoal.engine.cache.PinSet;
import dev.shoal.engine.gc.Reclaimer;
import dev.shoal.engine.gc.RefTableStore;
import dev.shoal.engine.gc.Repair;
import dev.shoal.engine.index.text.TextAnalyzerOptions;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.namespace.Branching;
import dev.shoal.engine.namespace.Compactor;
import dev.shoal.engine.namespace.NamespaceService;
import dev.shoal.engine.namespace.NamespaceSnapshot;
import dev.shoal.engine.namespace.SnapshotLoader;
import dev.shoal.engine.query.QueryExecutor;
import dev.shoal.engine.query.QueryRequest;
import dev.shoal.engine.query.QueryResult;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.wal.EncodedWalBatch;
import dev.shoal.engine.wal.WalBatchBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine: namespaces of documents on an object store, with durable writes, exactly-once writer
 * positions and queries. Every other module (the Kafka Connect and Flink sinks, the query server)
 * wraps one.
 *
 * <p>Any number of engines, in any number of processes, may share one store and write the same
 * namespaces: commits are compare-and-swap creations of manifest versions (see {@link
 * ManifestStore}). Writes return once durable; a read with {@link Consistency#STRONG} sees every
 * write acknowledged before it started, by any engine.
 *
 * <p>Thread-safe. Blocking methods run on the caller's thread except commits, which run on the
 * engine's commit threads ({@code shoal-commit-N}) while the caller waits.
 *
 * <pre>{@code
 * try (Engine engine = Engine.builder().store(ObjectStores.open("file:///var/shoal")).build()) {
 *   NamespacePath ns = NamespacePath.parse("acme/search/docs");
 *   engine.write(ns, WriteRequest.upsert(List.of(Document.of("a", new float[] {1, 0}, Map.of()))));
 *   QueryResult r = engine.query(ns, QueryRequest.builder()
 *       .rankBy(new RankBy.Vector(new float[] {1, 0}, false)).build());
 * }
 * }</pre>
 */
public final class Engine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  // An explicit compaction waits this long for one already running (say, in the background).
  private static final Duration EXPLICIT_COMPACTION_WAIT = Duration.ofMinutes(2);
  // A garbage pass runs this long after the retention period, so that it finds it passed.
  private static final Duration GARBAGE_PASS_SLACK = Duration.ofSeconds(1);

  private final ObjectStore store;
  private final boolean ownsStore;
  private final EngineConfig config;
  private final Clock clock;
  private final ExecutorService ownedCommitExecutor;
  private final ExecutorService ownedBackgroundExecutor;
  private final ExecutorService ownedIoExecutor;
  private final Executor background;
  private final ScheduledExecutorService scheduler;
  private final ScheduledExecutorService ownedScheduler;
  // When the garbage pass scheduled for each namespace is due (engine clock, ms).
  private final Map<NamespacePath, Long> garbagePasses = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private final MemoryCache memoryCache;
  private final ObjectCache objectCache;
  private final Compactor compactor;
  private final Branching branching;
  private final Repair repair;
  private final PinSet pins;
  // Background compaction requests per namespace (see requestCompaction).
  private final Map<NamespacePath, AtomicInteger> compactionRequests = new ConcurrentHashMap<>();
  private final SnapshotLoader snapshots;
  private final NamespaceService namespaces;
  private final QueryExecutor queries = new QueryExecutor();

  private Engine(Builder b) {
    this.store = b.store;
    this.ownsStore = b.ownsStore;
    this.config = b.config;
    this.clock = b.clock;
    this.ownedCommitExecutor = Executors.newCachedThreadPool(threads("shoal-commit"));
    this.ownedBackgroundExecutor = Executors.newFixedThreadPool(2, threads("shoal-background"));
    this.background = b.backgroundExecutor != null ? b.backgroundExecutor : ownedBackgroundExecutor;
    this.ownedScheduler =
        b.scheduler != null
            ? null
            : Executors.newSingleThreadScheduledExecutor(threads("shoal-scheduler"));
    this.scheduler = b.scheduler != null ? b.scheduler : ownedScheduler;
    this.memoryCache = new MemoryCache(config.memoryCacheBytes());
    this.objectCache =
        new ObjectCache(
            store,
            memoryCache,
            config.diskCacheDir() == null
                ? null
                : new DiskCache(config.diskCacheDir(), config.diskCacheBytes()));
    ThreadPoolExecutor io =
        new ThreadPoolExecutor(
            16, 16, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads("shoal-io"));
    io.allowCoreThreadTimeOut(true);
    this.ownedIoExecutor = io;
    this.snapshots = new SnapshotLoader(objectCache, memoryCache, ownedIoExecutor);
    ManifestStore manifests =
        new ManifestStore(store, clock, config.manifestRetention(), config.minRetainedVersions());
    RefTableStore refs = new RefTableStore(store, clock, config.manifestRetention());
    Reclaimer reclaimer = new Reclaimer(store, refs, objectCache);
    this.namespaces =
        new NamespaceService(
            store,
            manifests,
            snapshots,
            config,
            clock,
            ownedCommitExecutor,
            background,
            this::afterCommit);
    this.compactor = new Compactor(store, namespaces, snapshots, reclaimer, config, clock);
    this.branching =
        new Branching(store, namespaces, objectCache, reclaimer, clock, config.manifestRetention());
    this.repair =
        new Repair(
            store,
            manifests,
            refs,
            objectCache,
            clock,
            config.sweepGracePeriod(),
            compactor::collectGarbage);
    this.pins = new PinSet(store);
  }

  public static Builder builder() {
    return new Builder();
  }

  public EngineConfig config() {
    return config;
  }

  /** The store this engine reads and writes. */
  public ObjectStore store() {
    return store;
  }

  // ---------------------------------------------------------------------------------------------
  // Namespaces

  /**
   * Creates a namespace with the default text analyzer.
   *
   * @throws NamespaceExistsException if it exists
   */
  public NamespaceInfo createNamespace(
      NamespacePath ns, DistanceMetric metric, Map<String, String> labels) {
    return createNamespace(ns, metric, labels, TextAnalyzerOptions.DEFAULT);
  }

  /**
   * Creates a namespace.
   *
   * @param textAnalyzer how its text fields are analyzed (stop words, stemming); fixed for life
   * @throws NamespaceExistsException if it exists
   */
  public NamespaceInfo createNamespace(
      NamespacePath ns,
      DistanceMetric metric,
      Map<String, String> labels,
      TextAnalyzerOptions textAnalyzer) {
    requireNonNull(ns, "namespace is null");
    Manifest m =
        namespaces.create(
            ns,
            metric == null ? DistanceMetric.COSINE : metric,
            labels == null ? Map.of() : labels,
            textAnalyzer == null || textAnalyzer.equals(TextAnalyzerOptions.DEFAULT)
                ? null
                : textAnalyzer.toMap());
    return info(ns, m);
  }

  /**
   * Describes a namespace as of its newest version. Counting its documents loads the namespace,
   * unless it has no WAL tail (a compacted namespace is described from its manifest alone).
   *
   * @throws NamespaceNotFoundException if it does not exist
   */
  public NamespaceInfo getNamespace(NamespacePath ns) {
    return info(ns, namespaces.current(ns, Consistency.STRONG));
  }

  /**
   * The vector dimension a namespace has pinned, or empty before its first vector. Reads only the
   * newest manifest (unlike {@link #getNamespace}, which loads the namespace's documents to count
   * them while it has a WAL tail), so writers can check records before sending them.
   *
   * @throws NamespaceNotFoundException if it does not exist
   */
  public OptionalInt vectorDimension(NamespacePath ns) {
    Integer dim = namespaces.current(ns, Consistency.STRONG).vectorDim();
    return dim == null ? OptionalInt.empty() : OptionalInt.of(dim);
  }

  /** Whether the namespace exists now. */
  public boolean namespaceExists(NamespacePath ns) {
    try {
      namespaces.current(ns, Consistency.STRONG);
      return true;
    } catch (NamespaceNotFoundException e) {
      return false;
    }
  }

  /**
   * Lists namespace names of a project in order, a page at a time.
   *
   * @param prefix only names starting with it, or null
   * @param cursor the {@code nextCursor} of the previous page, or null for the first
   * @param limit page size, 1 to 10,000
   */
  public NamespaceList listNamespaces(
      String org, String project, String prefix, String cursor, int limit) {
    return namespaces.list(org, project, prefix, cursor, limit);
  }

  /** Replaces a namespace's labels. */
  public NamespaceInfo updateLabels(NamespacePath ns, Map<String, String> labels) {
    return info(ns, namespaces.updateLabels(ns, labels == null ? Map.of() : labels));
  }

  /**
   * Deletes a namespace. The objects only it referenced are deleted once the retention period has
   * passed, so that readers pinned to one of its last versions keep working until then.
   *
   * @throws NamespaceNotFoundException if it does not exist
   */
  public void deleteNamespace(NamespacePath ns) {
    namespaces.delete(ns);
    if (snapshots.isPinned(ns)) {
      snapshots.unpin(ns);
    }
    pins.unpin(ns);
  }

  /**
   * Creates {@code target} (in the same project) as a copy-on-write branch of {@code source}, in
   * time proportional to the number of objects, not documents. Later writes, compactions and
   * deletes on either side never change what the other sees. The info returned needs no object read
   * if the source is loaded in this engine or has no WAL tail; otherwise counting its documents
   * loads the branch.
   *
   * @throws NamespaceExistsException if the target exists
   */
  public NamespaceInfo branch(NamespacePath source, NamespacePath target) {
    Manifest m = branching.branch(source, target);
    // If the source is in memory, so is the branch: no snapshot build, constant time.
    snapshots.adopt(target, m, source);
    return info(target, m);
  }

  /** Creates {@code target} (in the same project) as a physically independent copy. */
  public NamespaceInfo copy(NamespacePath source, NamespacePath target) {
    return info(target, branching.copy(source, target));
  }

  /**
   * Compacts a namespace now: folds WAL batches into segments and merges segments when the
   * thresholds say so, or everything into one segment with {@code force}. If another compaction of
   * the namespace is running, waits for it (up to two minutes) first.
   */
  public CompactionReport compact(NamespacePath ns, boolean force) {
    return compactor.compact(ns, force, EXPLICIT_COMPACTION_WAIT);
  }

  /**
   * Rebuilds a project's table of shared objects from its live manifests and, with {@code sweep},
   * deletes objects no manifest references that are older than the sweep grace period.
   */
  public RepairReport repair(String org, String project, boolean sweep) {
    return repair.repair(org, project, sweep);
  }

  /** Loads a namespace into the caches ahead of queries. */
  public CompletableFuture<Void> warm(NamespacePath ns) {
    Manifest m = namespaces.current(ns, Consistency.STRONG);
    return CompletableFuture.runAsync(() -> warmIndexes(snapshots.load(ns, m)), background);
  }

  /** Decodes the vector indexes, which segments otherwise decode on their first search. */
  private static void warmIndexes(NamespaceSnapshot snapshot) {
    for (NamespaceSnapshot.SegmentView v : snapshot.segments()) {
      v.segment().ann();
    }
  }

  /**
   * Keeps a namespace warm in memory across eviction pressure, in this engine now and in every
   * engine sharing the store after its next start.
   */
  public void pin(NamespacePath ns) {
    Manifest m = namespaces.current(ns, Consistency.STRONG);
    pins.pin(ns);
    snapshots.pin(ns, m);
    warmIndexes(snapshots.load(ns, m));
  }

  /** Undoes {@link #pin}. */
  public void unpin(NamespacePath ns) {
    pins.unpin(ns);
    snapshots.unpin(ns);
  }

  /**
   * Restores the pins stored with the namespaces (call once after start; the query server does).
   * Warming runs in the background; failures are logged.
   */
  public void restorePins() {
    for (NamespacePath ns : pins.all()) {
      background.execute(
          () -> {
            try {
              Manifest m = namespaces.current(ns, Consistency.STRONG);
              snapshots.pin(ns, m);
              warmIndexes(snapshots.load(ns, m));
            } catch (RuntimeException e) {
              LOG.warn("Cannot warm pinned namespace {}: {}", ns, e.toString());
            }
          });
    }
  }

  private void afterCommit(NamespacePath ns, Manifest committed) {
    if (!committed.deleted() && config.autoCompact() && compactor.due(committed)) {
      requestCompaction(ns);
    }
    scheduleGarbagePass(ns, committed);
    if (snapshots.isPinned(ns)) {
      background.execute(() -> snapshots.load(ns, committed));
    }
  }

  /**
   * Asks for a background compaction of a namespace. One task per namespace runs at a time: a
   * request made while it runs (a commit that found the namespace due, the compaction's own commit
   * among them) is counted, and the task compacts again until no request came in during its last
   * pass. A second task started instead would find the running one still holding the lease and give
   * up, leaving the namespace due until the next write.
   */
  private void requestCompaction(NamespacePath ns) {
    AtomicInteger requests = compactionRequests.computeIfAbsent(ns, k -> new AtomicInteger());
    if (requests.getAndIncrement() > 0) {
      return; // the running task will see it
    }
    try {
      background.execute(() -> compactWhileRequested(ns, requests));
    } catch (RuntimeException e) {
      requests.set(0); // shutting down
    }
  }

  private void compactWhileRequested(NamespacePath ns, AtomicInteger requests) {
    while (true) {
      int seen = requests.get();
      try {
        compactor.compact(ns, false, Duration.ZERO);
      } catch (NamespaceNotFoundException e) {
        // deleted meanwhile
      } catch (RuntimeException e) {
        LOG.warn("Background compaction of {} failed: {}", ns, e.toString());
      }
      if (requests.compareAndSet(seen, 0)) {
        return;
      }
    }
  }

  /**
   * Schedules the release of a namespace's garbage for when the retention period of its oldest
   * entry has passed, unless a pass is due by then already. Without it, the objects a compaction
   * dropped would stay until the next compaction of the namespace, for ever if nobody writes to it
   * again. One pass per namespace is pending at a time; a pass that finds garbage left schedules
   * the next. Passes pending when the engine stops are lost: repair releases what they would have.
   */
  private void scheduleGarbagePass(NamespacePath ns, Manifest m) {
    if (m.garbage().isEmpty() || closed) {
      return;
    }
    long oldest = Long.MAX_VALUE;
    for (var g : m.garbage()) {
      oldest = Math.min(oldest, g.droppedAtMillis());
    }
    long due = oldest + config.manifestRetention().toMillis() + GARBAGE_PASS_SLACK.toMillis();
    boolean[] schedule = new boolean[1];
    garbagePasses.compute(
        ns,
        (k, pending) -> {
          if (pending != null && pending <= due) {
            return pending;
          }
          schedule[0] = true;
          return due;
        });
    if (!schedule[0]) {
      return;
    }
    try {
      scheduler.schedule(
          () -> runGarbagePass(ns, due), Math.max(0, due - clock.millis()), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      garbagePasses.remove(ns, due); // shutting down
    }
  }

  private void runGarbagePass(NamespacePath ns, long due) {
    if (closed || !garbagePasses.remove(ns, due)) {
      return; // an earlier pass replaced this one
    }
    try {
      background.execute(
          () -> {
            try {
              Manifest after = compactor.collectGarbage(ns);
              if (after != null) {
                scheduleGarbagePass(ns, after); // entries not expired yet, by this engine's clock
              }
            } catch (RuntimeException e) {
              LOG.warn("Cannot release the expired garbage of {}: {}", ns, e.toString());
            }
          });
    } catch (RuntimeException e) {
      LOG.debug("Background executor refused a garbage pass (shutting down?): {}", e.toString());
    }
  }

  /**
   * Describes a namespace version. The document count comes from the manifest when it tells (no WAL
   * tail, see {@link Manifest#liveDocsIfKnown}), so that describing a compacted namespace, or
   * branching it, costs no object read even in an engine that has not loaded it; otherwise the
   * namespace is loaded (or its loaded snapshot used).
   */
  private NamespaceInfo info(NamespacePath ns, Manifest m) {
    OptionalLong known = m.liveDocsIfKnown();
    long docCount = known.isPresent() ? known.getAsLong() : snapshots.load(ns, m).liveCount();
    return new NamespaceInfo(
        ns.org(),
        ns.project(),
        ns.namespace(),
        m.version(),
        docCount,
        m.segments().size(),
        m.wal().size(),
        m.walRecords(),
        m.totalBytes(),
        m.distanceMetric(),
        m.vectorDim(),
        m.parent(),
        m.labels(),
        m.createdAtMillis(),
        m.updatedAtMillis(),
        snapshots.isPinned(ns) || pins.contains(ns),
        TextAnalyzerOptions.fromMap(m.textAnalyzer()).toMap());
  }

  // ---------------------------------------------------------------------------------------------
  // Writes

  /**
   * Applies a write atomically and returns once it is durable.
   *
   * @throws InvalidRequestException for bad input (nothing is written)
   * @throws VersionConflictException if {@code if_version} does not match
   * @throws WriterFencedException if the writer's epoch was superseded
   * @throws CommitFailedException if it definitely did not commit (retry is safe)
   * @throws CommitStateUnknownException if the outcome is unknown
   */
  public WriteResult write(NamespacePath ns, WriteRequest request) {
    return join(writeAsync(ns, request));
  }

  /**
   * Like {@link #write} without waiting. Writes to one namespace are committed in the order they
   * were submitted from one thread.
   */
  public CompletableFuture<WriteResult> writeAsync(NamespacePath ns, WriteRequest request) {
    requireNonNull(ns, "namespace is null");
    requireNonNull(request, "request is null");
    return namespaces.write(ns, request);
  }

  /**
   * Claims an exactly-once writer: increments its epoch, which fences any older instance, and
   * returns the last position committed, from which the caller resumes. Creates the namespace (with
   * {@code metric}) if it does not exist and {@code createIfMissing} is set.
   */
  public WriterClaim claimWriter(
      NamespacePath ns, String writerId, boolean createIfMissing, DistanceMetric metric) {
    WriterPosition.validateWriterId(writerId);
    return namespaces.claimWriter(ns, writerId, createIfMissing, metric);
  }

  /** The last position committed for a writer, without claiming it. */
  public OptionalLong writerPosition(NamespacePath ns, String writerId) {
    var state = namespaces.current(ns, Consistency.STRONG).writers().get(writerId);
    return state == null || state.position() == null
        ? OptionalLong.empty()
        : OptionalLong.of(state.position());
  }

  /**
   * Writes a batch as a WAL object without committing it: the first phase of a two-phase sink. Only
   * upserts, patches and deletes by id can be staged.
   */
  public StagedBatch stage(NamespacePath ns, WriteRequest request) {
    return namespaces.stage(ns, request);
  }

  /**
   * Like {@link #stage(NamespacePath, WriteRequest)} for a batch the caller encoded record by
   * record with a {@link WalBatchBuilder}, as a streaming sink does.
   */
  public StagedBatch stage(NamespacePath ns, EncodedWalBatch batch) {
    requireNonNull(ns, "namespace is null");
    requireNonNull(batch, "batch is null");
    return namespaces.stage(ns, batch);
  }

  /**
   * Commits staged batches, in order, as one manifest version, together with the writer position.
   * If the position is at or below the stored one, nothing is committed and the result is
   * deduplicated (the staged objects are then garbage the caller may discard). Without a position
   * ({@code null}) the batches are committed as a plain write, as an at-least-once sink does.
   *
   * <p>A batch staged more than a quarter of {@link EngineConfig#sweepGracePeriod} ago is copied to
   * a new WAL object and the copy committed (the original is deleted once the commit lands), so
   * that a repair sweep cannot delete what the new version references.
   *
   * @throws CommitFailedException if a staged object no longer exists, or the commit kept losing
   *     races for half the grace period (stage the batch again)
   */
  public WriteResult commitStaged(
      NamespacePath ns,
      List<StagedBatch> batches,
      WriterPosition position,
      boolean createIfMissing,
      DistanceMetric metric) {
    return join(namespaces.commitStaged(ns, batches, position, createIfMissing, metric));
  }

  /** Deletes a staged batch that will not be committed. */
  public void discardStaged(StagedBatch batch) {
    namespaces.discardStaged(batch);
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  /** The document with this id, or empty. */
  public Optional<Document> getDocument(NamespacePath ns, String id, Consistency consistency) {
    Document.validateId(id);
    Manifest m = namespaces.current(ns, consistency);
    return Optional.ofNullable(snapshots.load(ns, m).get(id));
  }

  /** Runs a query (see API.md for its semantics). */
  public QueryResult query(NamespacePath ns, QueryRequest request) {
    long start = System.nanoTime();
    Manifest m = namespaces.current(ns, request.consistency());
    ObjectCache.resetTier();
    NamespaceSnapshot snapshot = snapshots.load(ns, m);
    return queries.execute(snapshot, request, ObjectCache.temperature(), start);
  }

  /** What the cache tiers did since start. */
  public CacheStats cacheStats() {
    return objectCache.stats();
  }

  // ---------------------------------------------------------------------------------------------

  /** Stops the engine's threads (after running queued commits) and closes the store if owned. */
  @Override
  public void close() {
    closed = true;
    if (ownedScheduler != null) {
      ownedScheduler.shutdownNow(); // pending garbage passes: repair or a later engine runs them
    }
    // Background work (compactions) commits through the commit threads: stop it first.
    ownedBackgroundExecutor.shutdown();
    try {
      ownedBackgroundExecutor.awaitTermination(60, TimeUnit.SECONDS);
      ownedCommitExecutor.shutdown();
      ownedCommitExecutor.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      ownedCommitExecutor.shutdown();
      ownedIoExecutor.shutdown();
    }
    if (ownsStore) {
      store.close();
    }
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Builds an {@link Engine}; a store is required. */
  public static final class Builder {
    private ObjectStore store;
    private boolean ownsStore;
    private EngineConfig config = EngineConfig.defaults();
    private Clock clock = Clock.systemUTC();
    private Executor backgroundExecutor;
    private ScheduledExecutorService scheduler;

    private Builder() {}

    /** The store to use; the caller keeps ownership and closes it. */
    public Builder store(ObjectStore value) {
      store = requireNonNull(value, "store is null");
      ownsStore = false;
      return this;
    }

    /** The store to use; the engine closes it on {@link Engine#close()}. */
    public Builder ownedStore(ObjectStore value) {
      store = requireNonNull(value, "store is null");
      ownsStore = true;
      return this;
    }

    public Builder config(EngineConfig value) {
      config = requireNonNull(value, "config is null");
      return this;
    }

    /** The clock for timestamps, retention and staleness; tests inject a controllable one. */
    public Builder clock(Clock value) {
      clock = requireNonNull(value, "clock is null");
      return this;
    }

    /**
     * Runs background work (head updates, manifest expiry, compaction) on this executor instead of
     * the engine's own threads; tests pass a direct executor to make it deterministic.
     *
     * <p>Tasks are handed over from commit threads, so with {@link EngineConfig#autoCompact()} on
     * the executor must run them on other threads: a direct executor would run the compaction on
     * the commit thread, where its own commit waits behind the commit that scheduled it, for ever.
     */
    public Builder backgroundExecutor(Executor value) {
      backgroundExecutor = requireNonNull(value, "backgroundExecutor is null");
      return this;
    }

    /**
     * Schedules delayed work (garbage passes once the retention period has passed) on this
     * scheduler instead of the engine's own thread; the work itself is handed to the background
     * executor. Tests pass one they run by hand, together with a controllable {@link #clock}. The
     * engine does not shut an injected scheduler down.
     */
    public Builder scheduler(ScheduledExecutorService value) {
      scheduler = requireNonNull(value, "scheduler is null");
      return this;
    }

    public Engine build() {
      if (store == null) {
        throw new IllegalStateException("Cannot build engine: no store set");
      }
      return new Engine(this);
    }
  }
}
