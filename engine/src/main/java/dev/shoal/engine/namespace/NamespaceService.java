package dev.shoal.engine.namespace;

import dev.shoal.engine.CommitFailedException;
import dev.shoal.engine.CommitStateUnknownException;
import dev.shoal.engine.Consistency;
import dev.shoal.engine.EngineConfig;
import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.NamespaceExistsException;
import dev.shoal.engine.NamespaceList;
import dev.shoal.engine.NamespaceNotFoundException;
import dev.shoal.engine.RequestTooLargeException;
import dev.shoal.engine.ShoalException;
import dev.shoal.engine.StagedBatch;
import dev.shoal.engine.VersionConflictException;
import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.WriteResult;
import dev.shoal.engine.WriterClaim;
import dev.shoal.engine.WriterFencedException;
import dev.shoal.engine.WriterPosition;
import dev.shoal.engine.manifest.IdempotencyRecord;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.manifest.NamespaceLayout;
import dev.shoal.engine.manifest.WalRef;
import dev.shoal.engine.manifest.WriterState;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.query.Filter;
import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.storage.ObjectNotFoundException;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.wal.EncodedWalBatch;
import dev.shoal.engine.wal.WalBatch;
import dev.shoal.engine.wal.WalRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Namespace lifecycle and the write path: every manifest change goes through here.
 *
 * <h2>Commits</h2>
 *
 * Each change is computed from the newest manifest this process knows and committed by creating the
 * next version ({@link ManifestStore#tryCreate}). A commit that loses the race re-reads the newer
 * versions and is recomputed on top of them: appends commute (sequence numbers are assigned at
 * commit), while an {@code if_version} write fails with a version conflict. Writes queued while a
 * commit runs are grouped into the next one: one WAL object and one manifest version for many
 * callers.
 *
 * <h2>Crash safety</h2>
 *
 * A commit writes its WAL object first and the manifest second, and objects are deleted only after
 * a manifest that no longer references them is committed: a crash at any point leaves at worst an
 * unreferenced object, never a manifest pointing at a missing one.
 *
 * <p>Thread-safe. Commits run on the commit executor, one at a time per namespace; callers wait on
 * futures.
 */
public final class NamespaceService {
  private static final Logger LOG = LoggerFactory.getLogger(NamespaceService.class);
  private static final int EXPIRE_EVERY_VERSIONS = 16;

  /** Told about each commit, after it happened (compaction scheduling, metrics). */
  public interface CommitListener {
    void committed(NamespacePath ns, Manifest manifest);
  }

  private final ObjectStore store;
  private final ManifestStore manifests;
  private final SnapshotLoader snapshots;
  private final EngineConfig config;
  private final Clock clock;
  private final Executor commitExecutor;
  private final Executor backgroundExecutor;
  private final CommitListener listener;
  private final Map<NamespacePath, NamespaceHandle> handles = new ConcurrentHashMap<>();

  public NamespaceService(
      ObjectStore store,
      ManifestStore manifests,
      SnapshotLoader snapshots,
      EngineConfig config,
      Clock clock,
      Executor commitExecutor,
      Executor backgroundExecutor,
      CommitListener listener) {
    this.store = store;
    this.manifests = manifests;
    this.snapshots = snapshots;
    this.config = config;
    this.clock = clock;
    this.commitExecutor = commitExecutor;
    this.backgroundExecutor = backgroundExecutor;
    this.listener = listener;
  }

  private NamespaceHandle handle(NamespacePath ns) {
    return handles.computeIfAbsent(ns, NamespaceHandle::new);
  }

  // ---------------------------------------------------------------------------------------------
  // Reading manifests

  /**
   * The manifest a read at this consistency must use.
   *
   * @throws NamespaceNotFoundException if the namespace does not exist
   */
  public Manifest current(NamespacePath ns, Consistency consistency) {
    Manifest m = newest(ns, consistency).orElse(null);
    if (m == null || m.deleted()) {
      throw new NamespaceNotFoundException(ns.toString());
    }
    return m;
  }

  /** The newest version, tombstones included, or empty if the namespace never existed. */
  Optional<Manifest> newest(NamespacePath ns, Consistency consistency) {
    NamespaceHandle h = handle(ns);
    NamespaceHandle.Known known = h.known();
    long now = clock.millis();
    if (known != null) {
      long age = now - known.confirmedAtMillis();
      if (consistency == Consistency.EVENTUAL && age <= config.eventualMaxStaleness().toMillis()) {
        return Optional.of(known.manifest());
      }
      if (age < safeProbeAgeMillis()) {
        Manifest m = manifests.probeForward(ns, known.manifest());
        h.observe(m, now);
        return Optional.of(m);
      }
    }
    Optional<Manifest> m = manifests.readLatest(ns, null);
    m.ifPresent(x -> h.observe(x, now));
    return m;
  }

  /**
   * How old a confirmation may be for probing forward from it (or committing on top of it) to be
   * sound: versions are collected only after being superseded for the retention period, so half of
   * it leaves room for clock skew between this process and the store.
   */
  private long safeProbeAgeMillis() {
    return config.manifestRetention().toMillis() / 2;
  }

  /**
   * The base of a commit attempt, and whether it was read just now. A cached base is fine for an
   * attempt (a stale one loses the create and is rebased), but a refusal computed from it must be
   * confirmed on a fresh one: no commit would reveal that it was stale.
   */
  private record Base(Manifest manifest, boolean fresh) {}

  /** The base for a commit attempt: the newest known version if confirmed recently enough. */
  private Base commitBase(NamespaceHandle h) {
    NamespaceHandle.Known known = h.known();
    long now = clock.millis();
    if (known != null && now - known.confirmedAtMillis() < safeProbeAgeMillis()) {
      return new Base(known.manifest(), false);
    }
    Optional<Manifest> m = manifests.readLatest(h.path(), null);
    m.ifPresent(x -> h.observe(x, now));
    return new Base(m.orElse(null), true);
  }

  /** After a lost race: the newer versions, read forward from the base that lost. */
  private Manifest rebase(NamespaceHandle h, Manifest lost) {
    long now = clock.millis();
    Manifest m =
        lost == null
            ? manifests.readLatest(h.path(), null).orElse(null)
            : manifests.probeForward(h.path(), lost);
    if (m != null) {
      h.observe(m, now);
    }
    return m;
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  public Manifest create(
      NamespacePath ns,
      DistanceMetric metric,
      Map<String, String> labels,
      Map<String, Object> textAnalyzer) {
    return update(
        ns,
        new CommitTask.ManifestUpdate<Manifest>() {
          @Override
          public Manifest apply(Manifest base, long nextVersion) {
            if (base != null && !base.deleted()) {
              throw new NamespaceExistsException(ns.toString());
            }
            return Manifest.create(
                    ns.toString(),
                    nextVersion,
                    newCommitId(),
                    clock.millis(),
                    metric,
                    labels,
                    textAnalyzer)
                .continuing(base);
          }

          @Override
          public Manifest result(Manifest manifest) {
            return manifest;
          }
        });
  }

  public Manifest updateLabels(NamespacePath ns, Map<String, String> labels) {
    return update(
        ns,
        new CommitTask.ManifestUpdate<Manifest>() {
          @Override
          public Manifest apply(Manifest base, long nextVersion) {
            requireLive(ns, base);
            return base.toBuilder()
                .version(nextVersion)
                .commitId(newCommitId())
                .updatedAtMillis(clock.millis())
                .labels(labels)
                .build();
          }

          @Override
          public Manifest result(Manifest manifest) {
            return manifest;
          }
        });
  }

  /**
   * Deletes a namespace: commits a tombstone version (so concurrent writers stop) and removes the
   * head. The objects the last live version referenced become the tombstone's garbage: readers
   * pinned to a live version keep working through the retention period, after which a garbage pass
   * (or repair) releases them.
   *
   * @return the last live version
   */
  public Manifest delete(NamespacePath ns) {
    Manifest[] last = new Manifest[1];
    update(
        ns,
        new CommitTask.ManifestUpdate<Manifest>() {
          @Override
          public Manifest apply(Manifest base, long nextVersion) {
            requireLive(ns, base);
            last[0] = base;
            return base.tombstone(clock.millis(), newCommitId());
          }

          @Override
          public Manifest result(Manifest manifest) {
            return manifest;
          }
        });
    NamespaceHandle h = handle(ns);
    synchronized (h.headLock) {
      h.takeHead();
      manifests.deleteHead(ns);
    }
    snapshots.invalidate(ns);
    return last[0];
  }

  /**
   * Claims an exactly-once writer: bumps its epoch (fencing any older instance) and returns the
   * position committed so far.
   */
  public WriterClaim claimWriter(
      NamespacePath ns, String writerId, boolean createIfMissing, DistanceMetric metric) {
    return update(
        ns,
        new CommitTask.ManifestUpdate<WriterClaim>() {
          @Override
          public Manifest apply(Manifest base, long nextVersion) {
            Manifest.Builder b;
            if (base == null || base.deleted()) {
              if (!createIfMissing) {
                throw new NamespaceNotFoundException(ns.toString());
              }
              b =
                  Manifest.create(
                      ns.toString(),
                      nextVersion,
                      newCommitId(),
                      clock.millis(),
                      metric == null ? DistanceMetric.COSINE : metric,
                      Map.of())
                      .continuing(base)
                      .toBuilder();
            } else {
              b = base.toBuilder();
            }
            // A tombstone keeps the epochs (not the positions): the claim continues them.
            WriterState old = base == null ? null : base.writers().get(writerId);
            WriterState claimed =
                new WriterState(
                    old == null ? 1 : old.epoch() + 1,
                    old == null ? null : old.position(),
                    clock.millis());
            return b.version(nextVersion)
                .commitId(newCommitId())
                .updatedAtMillis(clock.millis())
                .writer(writerId, claimed)
                .build();
          }

          @Override
          public WriterClaim result(Manifest manifest) {
            WriterState s = manifest.writers().get(writerId);
            return new WriterClaim(
                writerId,
                s.epoch(),
                s.position() == null ? OptionalLong.empty() : OptionalLong.of(s.position()),
                manifest.version());
          }
        });
  }

  public NamespaceList list(String org, String project, String prefix, String cursor, int limit) {
    NamespacePath.validateComponent(org, "organization");
    NamespacePath.validateComponent(project, "project");
    if (limit < 1 || limit > 10_000) {
      throw new InvalidRequestException(
          "Invalid limit " + limit + ": expected 1 to 10000 namespaces per page");
    }
    String namePrefix = prefix == null ? "" : prefix;
    if (!namePrefix.isEmpty() && !namePrefix.matches("[A-Za-z0-9._-]{1,128}")) {
      throw new InvalidRequestException(
          "Invalid prefix \"" + namePrefix + "\": only ASCII letters, digits, '.', '_', '-'");
    }
    List<String> names = manifests.listNamespaces(org, project, namePrefix, cursor, limit + 1);
    String next = null;
    if (names.size() > limit) {
      names = names.subList(0, limit);
      next = names.get(limit - 1);
    }
    return new NamespaceList(names, next);
  }

  private void submit(NamespacePath ns, CommitTask task) {
    NamespaceHandle h = handle(ns);
    h.submit(task, commitExecutor, batch -> runTasks(h, batch));
  }

  private static void requireLive(NamespacePath ns, Manifest base) {
    if (base == null || base.deleted()) {
      throw new NamespaceNotFoundException(ns.toString());
    }
  }

  /**
   * What became of a commit of {@code ns} that failed with an unknown outcome (see {@link
   * ManifestStore#resolve}). A caller that wrote objects for the commit may delete them only on
   * {@link ManifestStore.Outcome#NOT_COMMITTED}: on {@link ManifestStore.Outcome#UNKNOWN} the
   * manifest may reference them, so they are left for repair to sweep if it does not.
   */
  public ManifestStore.Resolution resolve(NamespacePath ns, CommitStateUnknownException e) {
    ManifestStore.Resolution r = manifests.resolve(ns, e);
    if (r.manifest() != null) {
      handle(ns).observe(r.manifest(), clock.millis());
    }
    return r;
  }

  /**
   * Commits a manifest change computed from the newest version (re-run after each lost race). For
   * compaction, branches and copies.
   */
  <R> R commit(NamespacePath ns, CommitTask.ManifestUpdate<R> update) {
    return update(ns, update);
  }

  private <R> R update(NamespacePath ns, CommitTask.ManifestUpdate<R> update) {
    CompletableFuture<R> future = new CompletableFuture<>();
    submit(ns, new CommitTask.Update<>(update, future));
    return join(future);
  }

  // ---------------------------------------------------------------------------------------------
  // Writes

  /** Validates a write on the caller's thread and queues it for the next group commit. */
  public CompletableFuture<WriteResult> write(NamespacePath ns, WriteRequest request) {
    int explicit = request.explicitRecords();
    if (explicit > config.maxBatchDocs()) {
      throw new RequestTooLargeException(
          "Cannot write to "
              + ns
              + ": the batch has "
              + explicit
              + " records, more than the limit of "
              + config.maxBatchDocs());
    }
    Records prepared = records(ns, request);
    CompletableFuture<WriteResult> future = new CompletableFuture<>();
    submit(
        ns,
        new CommitTask.Write(
            CommitTask.Options.of(request),
            prepared.records(),
            List.of(),
            prepared.dimension(),
            null,
            future));
    return future;
  }

  /** A request's explicit records, in apply order, and the one vector dimension they use. */
  private record Records(List<WalRecord> records, int dimension) {}

  /**
   * Turns a request's upserts, patches and deletes into WAL records, checking that every vector in
   * it has the same dimension.
   */
  private static Records records(NamespacePath ns, WriteRequest request) {
    List<WalRecord> records = new ArrayList<>(request.explicitRecords());
    int dimension = 0;
    String first = null;
    for (Document d : request.upserts()) {
      records.add(new WalRecord.Upsert(d));
      if (d.vector() != null) {
        dimension = checkSameDimension(ns, dimension, first, d.vector().length, d.id());
        first = first == null ? d.id() : first;
      }
    }
    for (DocumentPatch p : request.patches()) {
      records.add(new WalRecord.Patch(p));
      if (p.vector() != null) {
        dimension = checkSameDimension(ns, dimension, first, p.vector().length, p.id());
        first = first == null ? p.id() : first;
      }
    }
    for (String id : request.deletes()) {
      records.add(new WalRecord.Delete(id));
    }
    return new Records(records, dimension);
  }

  private static int checkSameDimension(
      NamespacePath ns, int dimension, String firstId, int length, String id) {
    if (dimension != 0 && dimension != length) {
      throw new InvalidRequestException(
          "Cannot write to "
              + ns
              + ": document \""
              + id
              + "\" has a "
              + length
              + "-dimensional vector but document \""
              + firstId
              + "\" in the same batch has "
              + dimension);
    }
    return length;
  }

  /**
   * Writes a batch's WAL object without committing it (the first phase of a two-phase sink). Only
   * upserts, patches and deletes by id can be staged.
   */
  public StagedBatch stage(NamespacePath ns, WriteRequest request) {
    if (request.deleteByFilter() != null
        || request.ifVersion() != null
        || request.idempotencyKey() != null
        || request.writerPosition() != null) {
      throw new InvalidRequestException(
          "Cannot stage a write to "
              + ns
              + ": only upserts, patches and deletes by id can be staged; pass the writer"
              + " position when committing");
    }
    if (request.explicitRecords() > config.maxGroupCommitRecords()) {
      throw new RequestTooLargeException(
          "Cannot stage a write to "
              + ns
              + ": "
              + request.explicitRecords()
              + " records, more than "
              + config.maxGroupCommitRecords());
    }
    Records prepared = records(ns, request);
    byte[] bytes = new WalBatch(prepared.records()).encode();
    String key = NamespaceLayout.newWalKey(ns);
    store.put(key, bytes);
    return new StagedBatch(ns, key, prepared.records().size(), bytes.length, prepared.dimension());
  }

  /** Writes an already encoded batch's WAL object without committing it (see {@link #stage}). */
  public StagedBatch stage(NamespacePath ns, EncodedWalBatch batch) {
    if (batch.records() > config.maxGroupCommitRecords()) {
      throw new RequestTooLargeException(
          "Cannot stage a write to "
              + ns
              + ": "
              + batch.records()
              + " records, more than "
              + config.maxGroupCommitRecords());
    }
    String key = NamespaceLayout.newWalKey(ns);
    store.put(key, batch.bytes());
    return new StagedBatch(ns, key, batch.records(), batch.bytes().length, batch.dimension());
  }

  /** Commits staged batches, in order, with an optional writer position, as one version. */
  public CompletableFuture<WriteResult> commitStaged(
      NamespacePath ns,
      List<StagedBatch> batches,
      WriterPosition position,
      boolean createIfMissing,
      DistanceMetric metric) {
    if (batches.isEmpty() && position == null) {
      throw new InvalidRequestException(
          "Cannot commit to " + ns + ": no staged batches and no writer position");
    }
    String root = NamespaceLayout.namespaceRoot(ns);
    int dimension = 0;
    for (StagedBatch b : batches) {
      if (!b.namespace().equals(ns) || !b.key().startsWith(root + "wal/")) {
        throw new InvalidRequestException(
            "Cannot commit staged batch "
                + b.key()
                + " to "
                + ns
                + ": it was staged for "
                + b.namespace());
      }
      if (b.dimension() != 0) {
        if (dimension != 0 && dimension != b.dimension()) {
          throw new InvalidRequestException(
              "Cannot commit to "
                  + ns
                  + ": staged batches use vector dimensions "
                  + dimension
                  + " and "
                  + b.dimension());
        }
        dimension = b.dimension();
      }
    }
    // A staged object removed since (discarded, or swept) must not be committed: that would
    // reference a missing object. Its age is checked at each commit attempt (see requireYoung).
    List<StagedBatch> committing = new ArrayList<>(batches.size());
    List<String> replaced = new ArrayList<>();
    boolean refresh = !alreadyApplied(ns, position);
    ObjectInfo oldest = null;
    for (StagedBatch b : batches) {
      ObjectInfo info = stagedInfo(ns, b.key());
      if (refresh && clock.millis() - info.lastModifiedMillis() > refreshAge()) {
        // A restore commits a batch staged long ago: commit a fresh copy, which a sweep that
        // starts now cannot delete before the commit lands (see requireYoung).
        StagedBatch copy = copyStaged(ns, b);
        replaced.add(b.key());
        b = copy;
        info = stagedInfo(ns, b.key());
      }
      committing.add(b);
      if (oldest == null || info.lastModifiedMillis() < oldest.lastModifiedMillis()) {
        oldest = info;
      }
    }
    CommitTask.Options request =
        new CommitTask.Options(null, null, null, position, createIfMissing, metric);
    CompletableFuture<WriteResult> future = new CompletableFuture<>();
    submit(
        ns,
        new CommitTask.Write(
            request, List.of(), List.copyOf(committing), dimension, oldest, future));
    if (replaced.isEmpty()) {
      return future;
    }
    List<String> copies = new ArrayList<>();
    for (int i = 0; i < batches.size(); i++) {
      if (committing.get(i) != batches.get(i)) {
        copies.add(committing.get(i).key());
      }
    }
    return future.whenComplete(
        (result, failure) -> {
          if (failure == null) {
            // The version references the copies (or, deduplicated, nothing of this call).
            replaced.forEach(this::deleteQuietly);
            if (result.deduplicated()) {
              copies.forEach(this::deleteQuietly);
            }
          } else if (!(unwrap(failure) instanceof CommitStateUnknownException)) {
            copies.forEach(this::deleteQuietly); // definitely not committed
          } // else the version may reference the copies: repair sweeps them if it does not
        });
  }

  /** Whether {@code position} is at or below its writer's stored one, so a commit is a no-op. */
  private boolean alreadyApplied(NamespacePath ns, WriterPosition position) {
    if (position == null) {
      return false;
    }
    Manifest m = newest(ns, Consistency.STRONG).orElse(null);
    WriterState stored = m == null ? null : m.writers().get(position.writerId());
    return stored != null && stored.position() != null && position.position() <= stored.position();
  }

  /** Staged objects older than this are copied before they are committed. */
  private long refreshAge() {
    return config.sweepGracePeriod().toMillis() / 4;
  }

  private ObjectInfo stagedInfo(NamespacePath ns, String key) {
    return store
        .stat(key)
        .orElseThrow(
            () ->
                new CommitFailedException(
                    "Cannot commit to "
                        + ns
                        + ": staged WAL object "
                        + key
                        + " no longer exists (discarded, or swept by repair); re-stage the batch",
                    null));
  }

  private StagedBatch copyStaged(NamespacePath ns, StagedBatch b) {
    byte[] bytes;
    try {
      bytes = store.get(b.key());
    } catch (ObjectNotFoundException e) {
      throw new CommitFailedException(
          "Cannot commit to "
              + ns
              + ": staged WAL object "
              + b.key()
              + " no longer exists (discarded, or swept by repair); re-stage the batch",
          e);
    }
    String key = NamespaceLayout.newWalKey(ns);
    store.put(key, bytes);
    return new StagedBatch(ns, key, b.records(), b.bytes(), b.dimension());
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof java.util.concurrent.CompletionException && t.getCause() != null
        ? t.getCause()
        : t;
  }

  /** Deletes a staged batch that will not be committed. */
  public void discardStaged(StagedBatch batch) {
    store.delete(batch.key());
  }

  // ---------------------------------------------------------------------------------------------
  // The commit loop (runs on the commit executor, one drain per namespace at a time)

  private void runTasks(NamespaceHandle h, List<CommitTask> tasks) {
    List<CommitTask.Write> group = new ArrayList<>();
    for (CommitTask task : tasks) {
      if (task instanceof CommitTask.Write w && canJoin(group, w)) {
        group.add(w);
        continue;
      }
      runGroup(h, group);
      group = new ArrayList<>();
      if (task instanceof CommitTask.Write w) {
        group.add(w);
      } else {
        runUpdate(h, (CommitTask.Update<?>) task);
      }
    }
    runGroup(h, group);
  }

  private boolean canJoin(List<CommitTask.Write> group, CommitTask.Write w) {
    if (group.isEmpty()) {
      return true;
    }
    if (solo(w) || solo(group.get(0))) {
      return false;
    }
    if (w.staged().isEmpty() != group.get(0).staged().isEmpty()) {
      return false;
    }
    int records = w.records().size();
    for (CommitTask.Write g : group) {
      records += g.records().size();
      if (sameKey(g.request().idempotencyKey(), w.request().idempotencyKey())
          || (g.request().writerPosition() != null
              && w.request().writerPosition() != null
              && g.request()
                  .writerPosition()
                  .writerId()
                  .equals(w.request().writerPosition().writerId()))) {
        return false;
      }
    }
    return records <= config.maxGroupCommitRecords();
  }

  private static boolean sameTasks(List<CommitTask.Write> a, List<CommitTask.Write> b) {
    if (b == null || a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameKey(String a, String b) {
    return a != null && a.equals(b);
  }

  /** Conditional writes and deletes by filter depend on the exact base: they commit alone. */
  private static boolean solo(CommitTask.Write w) {
    return w.request().ifVersion() != null || w.request().deleteByFilter() != null;
  }

  private <R> void runUpdate(NamespaceHandle h, CommitTask.Update<R> task) {
    try {
      Base start = commitBase(h);
      Manifest base = start.manifest();
      boolean fresh = start.fresh();
      for (int attempt = 1; ; attempt++) {
        long nextVersion = base == null ? 1 : base.version() + 1;
        Manifest next;
        try {
          next = task.update().apply(base, nextVersion);
        } catch (ShoalException e) {
          if (fresh) {
            throw e;
          }
          base = rebase(h, base);
          fresh = true;
          continue;
        }
        if (next == null) {
          if (!fresh) {
            base = rebase(h, base);
            fresh = true;
            continue;
          }
          task.future().complete(task.update().result(base));
          return;
        }
        if (manifests.tryCreate(h.path(), next)) {
          afterCommit(h, next, base == null || base.deleted());
          task.future().complete(task.update().result(next));
          return;
        }
        if (attempt >= config.commitAttempts()) {
          throw lostTooOften(h.path(), attempt);
        }
        backoff(attempt);
        base = rebase(h, base);
        fresh = true;
      }
    } catch (Throwable t) {
      task.future().completeExceptionally(t);
    }
  }

  /** One prepared attempt of a group commit. */
  private record Plan(
      List<CommitTask.Write> accepted,
      Map<CommitTask.Write, List<WalRecord>> records,
      Map<CommitTask.Write, Object> refused,
      Map<String, WriterState> writers,
      Integer dimension,
      DistanceMetric metric) {

    /** Completes the writes deduplicated (with a result) or refused (with an exception). */
    void completeRefused() {
      refused.forEach(
          (w, outcome) -> {
            if (outcome instanceof WriteResult r) {
              w.future().complete(r);
            } else {
              w.future().completeExceptionally((Throwable) outcome);
            }
          });
    }
  }

  private void runGroup(NamespaceHandle h, List<CommitTask.Write> group) {
    if (group.isEmpty()) {
      return;
    }
    NamespacePath ns = h.path();
    String walKey = null;
    long walWrittenAt = 0;
    List<CommitTask.Write> walFor = null;
    long walBytes = 0;
    int walRecords = 0;
    List<CommitTask.Write> pending = new ArrayList<>(group);
    try {
      Base start = commitBase(h);
      Manifest base = start.manifest();
      boolean fresh = start.fresh();
      for (int attempt = 1; ; attempt++) {
        Plan plan = plan(ns, base, pending);
        if (!plan.refused().isEmpty()) {
          if (!fresh) {
            base = rebase(h, base);
            fresh = true;
            continue;
          }
          plan.completeRefused();
        }
        pending = plan.accepted();
        if (pending.isEmpty()) {
          deleteQuietly(walKey);
          return;
        }
        boolean filtered = pending.get(0).request().deleteByFilter() != null;
        List<WalRecord> all = new ArrayList<>();
        for (CommitTask.Write w : pending) {
          all.addAll(plan.records().get(w));
        }
        // A WAL object this loop wrote long ago (races lost for half the sweep grace period) is
        // written again rather than committed: see requireYoung.
        boolean stale =
            walKey != null
                && clock.millis() - walWrittenAt > config.sweepGracePeriod().toMillis() / 2;
        if (!all.isEmpty()
            && (walKey == null || filtered || stale || !sameTasks(pending, walFor))) {
          deleteQuietly(walKey);
          byte[] bytes = new WalBatch(all).encode();
          walKey = NamespaceLayout.newWalKey(ns);
          walWrittenAt = clock.millis();
          try {
            store.put(walKey, bytes);
          } catch (RuntimeException e) {
            deleteQuietly(walKey);
            throw e;
          }
          walFor = List.copyOf(pending);
          walBytes = bytes.length;
          walRecords = all.size();
        }
        long now = clock.millis();
        boolean creates = base == null || base.deleted();
        long nextVersion = base == null ? 1 : base.version() + 1;
        Manifest.Builder b =
            creates
                ? Manifest.create(ns.toString(), nextVersion, "", now, plan.metric(), Map.of())
                    .continuing(base)
                    .toBuilder()
                : base.toBuilder();
        long seq = creates ? 1 : base.nextSeq();
        Map<CommitTask.Write, long[]> seqs = new IdentityHashMap<>();
        if (!all.isEmpty()) {
          b.addWal(new WalRef(walKey, seq, walRecords, walBytes));
        }
        for (CommitTask.Write w : pending) {
          int n = plan.records().get(w).size();
          for (StagedBatch s : w.staged()) {
            n += s.records();
          }
          seqs.put(w, new long[] {n == 0 ? 0 : seq, n == 0 ? 0 : seq + n - 1, n});
          if (w.staged().isEmpty()) {
            seq += n;
          } else {
            for (StagedBatch s : w.staged()) {
              b.addWal(new WalRef(s.key(), seq, s.records(), s.bytes()));
              seq += s.records();
            }
          }
        }
        plan.writers().forEach(b::writer);
        for (CommitTask.Write w : pending) {
          String key = w.request().idempotencyKey();
          if (key != null) {
            long[] s = seqs.get(w);
            b.addIdempotency(
                new IdempotencyRecord(keyHash(key), nextVersion, s[0], s[1], s[2], now),
                config.idempotencyKeysRetained());
          }
        }
        Manifest next =
            b.version(nextVersion)
                .commitId(newCommitId())
                .updatedAtMillis(now)
                .vectorDim(plan.dimension())
                .nextSeq(seq)
                .build();
        if (manifests.tryCreate(ns, next)) {
          afterCommit(h, next, creates);
          for (CommitTask.Write w : pending) {
            long[] s = seqs.get(w);
            w.future().complete(new WriteResult(nextVersion, s[0], s[1], s[2], false));
          }
          return;
        }
        if (attempt >= config.commitAttempts()) {
          deleteQuietly(walKey);
          throw lostTooOften(ns, attempt);
        }
        backoff(attempt);
        base = rebase(h, base);
        fresh = true;
      }
    } catch (Throwable t) {
      for (CommitTask.Write w : pending) {
        w.future().completeExceptionally(t);
      }
    }
  }

  /**
   * Checks each write against the base (existence, if_version, idempotency keys, writer epochs and
   * positions, vector dimension): writes are either accepted, with their WAL records, or refused
   * (deduplicated with a result, or failed with an exception) for the caller to complete.
   */
  private Plan plan(NamespacePath ns, Manifest base, List<CommitTask.Write> group) {
    boolean live = base != null && !base.deleted();
    Map<String, WriterState> writers = new LinkedHashMap<>();
    Integer dimension = live ? base.vectorDim() : null;
    DistanceMetric metric = live ? base.distanceMetric() : null;
    List<CommitTask.Write> accepted = new ArrayList<>();
    Map<CommitTask.Write, List<WalRecord>> records = new IdentityHashMap<>();
    Map<CommitTask.Write, Object> refused = new IdentityHashMap<>();
    long now = clock.millis();
    for (CommitTask.Write w : group) {
      CommitTask.Options req = w.request();
      try {
        if (!live && !req.createIfMissing()) {
          throw new NamespaceNotFoundException(ns.toString());
        }
        if (req.distanceMetric() != null && metric != null && req.distanceMetric() != metric) {
          throw new InvalidRequestException(
              "Cannot write to "
                  + ns
                  + ": the request asks for distance metric "
                  + req.distanceMetric().jsonName()
                  + " but the namespace uses "
                  + metric.jsonName());
        }
        if (req.ifVersion() != null && (!live || base.version() != req.ifVersion())) {
          throw new VersionConflictException(
              ns.toString(), req.ifVersion(), live ? base.version() : 0);
        }
        if (req.idempotencyKey() != null && live) {
          IdempotencyRecord done = findIdempotency(base, keyHash(req.idempotencyKey()));
          if (done != null) {
            refused.put(
                w,
                new WriteResult(
                    done.version(), done.firstSeq(), done.lastSeq(), done.records(), true));
            continue;
          }
        }
        WriterState claimed = null;
        WriterPosition pos = req.writerPosition();
        if (pos != null) {
          // A deleted namespace's tombstone still knows the epochs, so a zombie cannot recreate it.
          WriterState stored = base == null ? null : base.writers().get(pos.writerId());
          if (stored == null || pos.epoch() > stored.epoch()) {
            throw new InvalidRequestException(
                "Cannot write to "
                    + ns
                    + ": writer "
                    + pos.writerId()
                    + " epoch "
                    + pos.epoch()
                    + " was never claimed; call claimWriter first");
          }
          if (pos.epoch() < stored.epoch()) {
            throw new WriterFencedException(
                ns.toString(), pos.writerId(), pos.epoch(), stored.epoch());
          }
          if (stored.position() != null && pos.position() <= stored.position()) {
            refused.put(w, new WriteResult(base.version(), 0, 0, 0, true));
            continue;
          }
          claimed = new WriterState(pos.epoch(), pos.position(), now);
        }
        if (w.oldestStaged() != null) {
          requireYoung(
              "commit to " + ns,
              "staged WAL object " + w.oldestStaged().key(),
              w.oldestStaged().lastModifiedMillis(),
              "stage the batch again, or raise EngineConfig.sweepGracePeriod above twice the"
                  + " longest time between staging a batch and committing it",
              false);
        }
        if (w.dimension() != 0 && dimension != null && dimension != w.dimension()) {
          throw new InvalidRequestException(
              "Cannot write to "
                  + ns
                  + ": vectors of dimension "
                  + w.dimension()
                  + " do not match the namespace's dimension "
                  + dimension);
        }
        List<WalRecord> recs = w.records();
        if (req.deleteByFilter() != null) {
          recs = new ArrayList<>(recs);
          recs.addAll(
              resolveFilterDeletes(ns, live ? base : null, w.records(), req.deleteByFilter()));
        }
        // Accepted: now fold it into the group's running state.
        if (w.dimension() != 0) {
          dimension = w.dimension();
        }
        if (metric == null) {
          metric = req.distanceMetric() == null ? DistanceMetric.COSINE : req.distanceMetric();
        }
        if (claimed != null) {
          writers.put(pos.writerId(), claimed);
        }
        accepted.add(w);
        records.put(w, recs);
      } catch (ShoalException e) {
        refused.put(w, e);
      }
    }
    return new Plan(accepted, records, refused, writers, dimension, metric);
  }

  /** The ids a delete-by-filter removes: matches in the base after the request's own records. */
  private List<WalRecord> resolveFilterDeletes(
      NamespacePath ns, Manifest base, List<WalRecord> own, Filter filter) {
    Map<String, Document> overlay = new HashMap<>();
    NamespaceSnapshot snapshot = base == null ? null : snapshots.load(ns, base);
    for (WalRecord r : own) {
      Document before =
          overlay.containsKey(r.id())
              ? overlay.get(r.id())
              : snapshot == null ? null : snapshot.get(r.id());
      if (r instanceof WalRecord.Upsert u) {
        overlay.put(r.id(), u.document());
      } else if (r instanceof WalRecord.Patch p) {
        overlay.put(r.id(), before == null ? null : p.patch().applyTo(before));
      } else {
        overlay.put(r.id(), null);
      }
    }
    List<WalRecord> deletes = new ArrayList<>();
    if (snapshot != null) {
      snapshot.forEachLive(
          d -> {
            if (!overlay.containsKey(d.id()) && filter.matches(d)) {
              deletes.add(new WalRecord.Delete(d.id()));
            }
          });
    }
    overlay.forEach(
        (id, d) -> {
          if (d != null && filter.matches(d)) {
            deletes.add(new WalRecord.Delete(id));
          }
        });
    return deletes;
  }

  private static IdempotencyRecord findIdempotency(Manifest base, String hash) {
    for (IdempotencyRecord r : base.idempotency()) {
      if (r.keyHash().equals(hash)) {
        return r;
      }
    }
    return null;
  }

  private void afterCommit(NamespaceHandle h, Manifest committed, boolean created) {
    h.observe(committed, clock.millis());
    if (created) {
      // Listing finds namespaces by their head: write it before acknowledging the create.
      manifests.writeHead(h.path(), committed);
    } else if (!committed.deleted() && h.offerHead(committed)) {
      runInBackground(
          () -> {
            synchronized (h.headLock) {
              Manifest m = h.takeHead();
              NamespaceHandle.Known known = h.known();
              boolean deletedSince =
                  known != null
                      && known.manifest().deleted()
                      && known.manifest().version() > (m == null ? 0 : m.version());
              if (m != null && !deletedSince) {
                manifests.writeHead(h.path(), m);
              }
            }
          });
    }
    if (committed.version() % EXPIRE_EVERY_VERSIONS == 0) {
      runInBackground(() -> manifests.expireVersions(h.path()));
    }
    if (listener != null) {
      try {
        listener.committed(h.path(), committed);
      } catch (RuntimeException e) {
        LOG.warn("Commit listener failed for {} version {}", h.path(), committed.version(), e);
      }
    }
  }

  private void runInBackground(Runnable task) {
    try {
      backgroundExecutor.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              LOG.warn("Background task failed: {}", e.toString());
            }
          });
    } catch (RuntimeException e) {
      LOG.debug("Background executor refused a task (shutting down?): {}", e.toString());
    }
  }

  /**
   * The committer's half of the repair sweep's invariant (see {@link dev.shoal.engine.gc.Repair}):
   * a commit attempt may reference an object it did not read from a live manifest only within half
   * the sweep grace period of the object's write. A sweep takes its cutoff before reading any
   * manifest, so an object referenced by a commit that lands after a sweep started was written less
   * than half the grace period before that start, and is younger than the cutoff; the other half is
   * the margin for the commit's own duration and for clock skew between engines and the store. Call
   * it at each attempt, just before creating the manifest.
   *
   * @param action what is refused, for "Cannot &lt;action&gt;"
   * @param object the object, for the message
   * @param writtenAtMillis when the object was written
   * @param advice what the caller should do instead
   * @param retriable whether the same call may succeed later (it writes new objects)
   * @throws CommitFailedException if the object is too old to be committed safely
   */
  public void requireYoung(
      String action, String object, long writtenAtMillis, String advice, boolean retriable) {
    long age = clock.millis() - writtenAtMillis;
    long limit = config.sweepGracePeriod().toMillis() / 2;
    if (age > limit) {
      throw new CommitFailedException(
          "Cannot "
              + action
              + ": "
              + object
              + " was written "
              + age / 1000
              + " s ago, more than half the sweep grace period ("
              + config.sweepGracePeriod().toSeconds()
              + " s), so a repair sweep may delete it before the commit lands; nothing was"
              + " committed; "
              + advice,
          null,
          retriable);
    }
  }

  private void deleteQuietly(String key) {
    if (key != null) {
      try {
        store.delete(key);
      } catch (RuntimeException e) {
        LOG.debug("Cannot delete uncommitted object {} (repair will): {}", key, e.toString());
      }
    }
  }

  private static CommitFailedException lostTooOften(NamespacePath ns, int attempts) {
    return new CommitFailedException(
        "Cannot commit to "
            + ns
            + ": lost the race for the next manifest version "
            + attempts
            + " times in a row (too many concurrent writers); nothing was written, retry later",
        null);
  }

  /**
   * Pauses after repeated lost races. Short: a loser's best chance is to rebase and try again
   * quickly (a long pause only lets more versions pile up), but a little jitter keeps several
   * losers in step from colliding forever.
   */
  private static void backoff(int attempt) {
    if (attempt < 4) {
      return;
    }
    long maxMillis = Math.min(20, attempt);
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(0, maxMillis + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommitFailedException("Interrupted while retrying a commit", e);
    }
  }

  static String newCommitId() {
    return UUID.randomUUID().toString();
  }

  static String keyHash(String idempotencyKey) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder(32);
      for (int i = 0; i < 16; i++) {
        sb.append(String.format("%02x", digest[i]));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }
}
