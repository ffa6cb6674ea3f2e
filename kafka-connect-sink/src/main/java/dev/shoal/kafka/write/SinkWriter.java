package dev.shoal.kafka.write;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.CommitStateUnknownException;
import dev.shoal.engine.Engine;
import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.NamespaceExistsException;
import dev.shoal.engine.ShoalException;
import dev.shoal.engine.WriteResult;
import dev.shoal.engine.WriterClaim;
import dev.shoal.engine.WriterFencedException;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.StorageException;
import dev.shoal.kafka.ShoalSinkConfig;
import dev.shoal.kafka.mapping.NamespaceTemplate;
import dev.shoal.kafka.mapping.RecordMapper;
import dev.shoal.kafka.mapping.RecordMapper.Mapped;
import dev.shoal.kafka.mapping.RejectedRecordException;
import dev.shoal.kafka.mapping.SinkOperation;
import dev.shoal.kafka.metrics.SinkTaskMetrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a sink task does between {@code put} and the engine: mapping, exactly-once writer
 * claims and positions, batching, flushing, retries, back-pressure and the offsets {@code
 * preCommit} may report.
 *
 * <h2>Exactly once</h2>
 *
 * Each (partition, namespace) pair is a {@link Lane} with the writer id {@code
 * kafka/<connector>/<original topic>/<partition>}. Before a lane's first write the task claims the
 * writer in that namespace, which bumps its epoch (fencing any older task instance still writing
 * it) and returns the last offset applied there; records at or below it are skipped. Every batch
 * commits its last offset as the writer position in the same manifest version as its documents, and
 * a lane has at most one batch in flight, so positions only grow and a replay of anything already
 * applied is skipped here or deduplicated by the engine. When the namespace of a partition is known
 * in advance (a constant template, or {@code ${topic}} without transformations), {@link #open}
 * claims it at once and rewinds the consumer to the stored position + 1, which also fast-forwards
 * past a lost offset commit. When it depends on the record (key, fields, headers), namespaces are
 * claimed on first use and the consumer resumes from its committed offset, which {@link #preCommit}
 * never moves past a record that is not durable in every namespace it went to; whatever is re-read
 * is then skipped by position. Either way nothing is applied twice and nothing is lost.
 *
 * <h2>Threads</h2>
 *
 * The task thread calls {@link #open}, {@link #close}, {@link #put}, {@link #preCommit} and {@link
 * #stop}; it alone touches the consumer (pause, resume, rewind, error reporter). Engine
 * completions, retries and the flush-interval timer run on one scheduler thread named {@code
 * shoal-sink-<connector>-<task>}. All mutable state is guarded by this object's monitor; the slow
 * parts of the task thread's work run outside it, so completions are never held up by them: mapping
 * records (in offset order per partition), claims (on a small pool, in parallel), and handing
 * rejected records to the error reporter.
 */
public final class SinkWriter {
  private static final Logger LOG = LoggerFactory.getLogger(SinkWriter.class);
  private static final long STOP_WAIT_MS = 30_000;
  private static final long CLOSE_WAIT_MS = 10_000;

  /** Batches are sized for this many ids at most up front; larger ones grow as they fill. */
  private static final int MAX_PRESIZED_IDS = 4096;

  /**
   * Most time a task-thread call ({@code open}, {@code put}) spends retrying blocking store calls
   * (claims, namespace reads). The worker's own {@code consumer.max.poll.interval.ms} is invisible
   * to a connector, so this stays far below Kafka's default of 5 minutes whatever the override.
   */
  public static final long BLOCKING_BUDGET_MS = 30_000;

  private final ShoalSinkConfig config;
  private final Engine engine;
  private final SinkTaskContext context;
  private final RecordMapper mapper;
  private final SinkTaskMetrics metrics;
  private final Time time;
  private final ScheduledExecutorService scheduler;
  private final RetryPolicy retryPolicy;
  private final RetryPolicy blockingRetryPolicy;
  private final boolean exactlyOnce;
  private final boolean topicIsOriginal;
  private final long flushIntervalNanos;
  private final long tickMs;
  private final long closeWaitMs;

  /** The engine's limit of records per write request; merged batches stay within it. */
  private final int maxWriteDocs;

  // Guarded by this.
  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
  private final Map<NamespacePath, Integer> dimensions = new HashMap<>();

  /** Namespaces whose dimension the engine has (so no other writer can set another one). */
  private final Set<NamespacePath> dimensionsConfirmed = new HashSet<>();

  private final Set<NamespacePath> ensured = new HashSet<>();
  private final Set<CompletableFuture<?>> inFlight = new HashSet<>();
  private final Set<TopicPartition> paused = new LinkedHashSet<>();
  private long bufferedBytes;
  private long bufferedRecords;
  private RuntimeException fatal;
  private boolean stopped;

  private ExecutorService claimPool;
  private ErrantRecordReporter reporter;
  private boolean reporterResolved;

  /** What the writer knows of one assigned partition. */
  private static final class PartitionState {
    final Map<NamespacePath, Lane> lanes = new LinkedHashMap<>();
    boolean fenced;
  }

  /**
   * @param scheduler a single-threaded scheduler for completions, retries and flush ticks; the
   *     writer shuts it down in {@link #stop}
   */
  public SinkWriter(
      ShoalSinkConfig config,
      Engine engine,
      SinkTaskContext context,
      SinkTaskMetrics metrics,
      Time time,
      ScheduledExecutorService scheduler) {
    this.config = requireNonNull(config, "config is null");
    this.engine = requireNonNull(engine, "engine is null");
    this.context = requireNonNull(context, "context is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.time = requireNonNull(time, "time is null");
    this.scheduler = requireNonNull(scheduler, "scheduler is null");
    this.mapper = new RecordMapper(config);
    this.exactlyOnce = config.exactlyOnce();
    Object transforms = config.originals().get("transforms");
    this.topicIsOriginal = transforms == null || transforms.toString().isBlank();
    this.flushIntervalNanos = TimeUnit.MILLISECONDS.toNanos(config.flushIntervalMs());
    this.tickMs = Math.max(5, Math.min(250, config.flushIntervalMs() / 4));
    // close() runs inside a consumer rebalance: keep it well below the rebalance timeout.
    this.closeWaitMs = Math.min(CLOSE_WAIT_MS, config.maxPollIntervalMs() / 10);
    this.maxWriteDocs = engine.config().maxBatchDocs();
    this.retryPolicy =
        new RetryPolicy(
            config.retryMax(),
            config.retryBackoffMs(),
            config.maxPollIntervalMs() / 2,
            () -> ThreadLocalRandom.current().nextLong());
    this.blockingRetryPolicy =
        new RetryPolicy(
            config.retryMax(),
            config.retryBackoffMs(),
            blockingBudgetMs(config),
            () -> ThreadLocalRandom.current().nextLong());
    scheduler.scheduleWithFixedDelay(this::tick, tickMs, tickMs, TimeUnit.MILLISECONDS);
  }

  /**
   * The most a task-thread call spends retrying blocking store calls: {@link #BLOCKING_BUDGET_MS},
   * or half of {@code consumer.override.max.poll.interval.ms} if that is lower.
   */
  public static long blockingBudgetMs(ShoalSinkConfig config) {
    return Math.min(BLOCKING_BUDGET_MS, config.maxPollIntervalMs() / 2);
  }

  /** The writer id of a partition: {@code kafka/<connector>/<original topic>/<partition>}. */
  public static String writerId(String connector, TopicPartition tp) {
    return "kafka/" + connector + "/" + tp.topic() + "/" + tp.partition();
  }

  // ---------------------------------------------------------------------------------------------
  // Partition assignment

  /**
   * Starts owning partitions. Where a partition's namespace is known in advance, claims its writer
   * (fencing older instances) and rewinds the consumer to the stored position + 1. Transient store
   * errors here are not fatal: they are retried for at most the blocking budget (see {@link
   * #blockingBudgetMs}), and then the claim is made on first use.
   */
  public void open(Collection<TopicPartition> assigned) {
    Map<TopicPartition, NamespacePath> known = new LinkedHashMap<>();
    synchronized (this) {
      for (TopicPartition tp : assigned) {
        partitions.put(tp, new PartitionState());
        NamespacePath ns = knownNamespace(tp);
        if (ns != null && exactlyOnce) {
          known.put(tp, ns);
        }
      }
    }
    if (known.isEmpty()) {
      return;
    }
    Map<TopicPartition, Lane> lanes = new LinkedHashMap<>();
    List<Future<Lane>> futures = new ArrayList<>();
    long startMs = time.milliseconds();
    for (Map.Entry<TopicPartition, NamespacePath> e : known.entrySet()) {
      futures.add(claimPool().submit(() -> initLane(e.getKey(), e.getValue(), startMs)));
    }
    int i = 0;
    for (Map.Entry<TopicPartition, NamespacePath> e : known.entrySet()) {
      try {
        lanes.put(e.getKey(), futures.get(i++).get());
      } catch (ExecutionException ex) {
        Throwable cause = ex.getCause();
        if (isTransient(cause)) {
          LOG.warn(
              "Cannot claim writer {} in {} on open, will claim on first record: {}",
              writerId(config.connectorName(), e.getKey()),
              e.getValue(),
              cause.toString());
        } else {
          throw new ConnectException(
              "Cannot open partition "
                  + e.getKey()
                  + " for "
                  + e.getValue()
                  + ": "
                  + cause.getMessage(),
              cause);
        }
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new ConnectException("Interrupted while opening partitions", ex);
      }
    }
    synchronized (this) {
      for (Lane lane : lanes.values()) {
        PartitionState ps = partitions.get(lane.partition);
        if (ps == null) {
          continue;
        }
        ps.lanes.put(lane.namespace, lane);
        if (lane.committed >= 0) {
          LOG.info(
              "Partition {} resumes after offset {} stored in {} (writer epoch {})",
              lane.partition,
              lane.committed,
              lane.namespace,
              lane.epoch);
          context.offset(lane.partition, lane.committed + 1);
        }
      }
    }
  }

  /** The single namespace every record of {@code tp} goes to, if the template tells it. */
  private NamespacePath knownNamespace(TopicPartition tp) {
    NamespaceTemplate t = config.namespaceTemplate();
    if (t.isConstant() || (t.dependsOnTopicOnly() && topicIsOriginal)) {
      try {
        return NamespacePath.parse(t.expand(p -> tp.topic()));
      } catch (InvalidRequestException e) {
        return null; // every record of it will be rejected with the reason
      }
    }
    return null;
  }

  /**
   * Stops owning partitions. What they buffered is written first, for a bounded time (the records
   * were already read and mapped, and writing them is cheaper than having the next owner read them
   * again); whatever is still pending after that is dropped: it was never reported as committed, so
   * the next owner reads it again, and a write of this instance that lands later is either
   * deduplicated or fenced by the next owner's claim.
   */
  public void close(Collection<TopicPartition> revoked) {
    List<Lane> draining = new ArrayList<>();
    synchronized (this) {
      for (TopicPartition tp : revoked) {
        PartitionState ps = partitions.get(tp);
        if (ps != null && !ps.fenced) {
          for (Lane lane : ps.lanes.values()) {
            seal(lane);
            draining.add(lane);
          }
        }
      }
    }
    long deadline = time.milliseconds() + closeWaitMs;
    // An interrupt (the worker giving up on a task that does not stop) ends the wait at once.
    while (!draining.isEmpty()
        && time.milliseconds() < deadline
        && !Thread.currentThread().isInterrupted()) {
      synchronized (this) {
        draining.removeIf(
            l -> l.closed || l.idle() || l.exhausted || l.revalidate || fatal != null);
      }
      if (!draining.isEmpty()) {
        time.sleep(2);
      }
    }
    synchronized (this) {
      for (TopicPartition tp : revoked) {
        PartitionState ps = partitions.remove(tp);
        if (ps != null) {
          for (Lane lane : ps.lanes.values()) {
            retire(lane);
          }
        }
        paused.remove(tp);
      }
      metrics.setPausedPartitions(paused.size());
    }
  }

  /** Marks a lane closed and frees what it buffered (an in-flight batch is freed when it ends). */
  private void retire(Lane lane) {
    lane.closed = true;
    if (lane.retryTimer != null) {
      lane.retryTimer.cancel(false);
      lane.retryTimer = null;
      if (lane.inFlight != null) {
        release(lane.inFlight);
        lane.inFlight = null;
      }
    }
    if (lane.exhausted || lane.revalidate) {
      if (lane.inFlight != null) {
        release(lane.inFlight);
        lane.inFlight = null;
      }
    }
    for (Batch b : lane.sealed) {
      release(b);
    }
    lane.sealed.clear();
    if (lane.open != null) {
      release(lane.open);
      lane.open = null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // put

  /**
   * Accepts records: all of them or, if it throws {@link RetriableException}, none (the worker then
   * delivers the same records again).
   *
   * @throws RetriableException if writes keep failing with transient errors
   * @throws ConnectException for a rejected record without an error reporter, or a fatal error
   */
  public void put(Collection<SinkRecord> records) {
    synchronized (this) {
      throwIfFatal();
      restartExhausted();
      manageBackPressure();
    }
    revalidate();
    if (records.isEmpty()) {
      return;
    }
    // Mapping is most of put()'s work: it runs outside the lock (RecordMapper is thread-safe), so
    // completions and the next submits on the scheduler thread are not held up by it.
    Set<TopicPartition> fenced = fencedPartitions();
    List<Item> items = new ArrayList<>(records.size());
    TopicPartition last = null;
    for (SinkRecord r : records) {
      TopicPartition tp = last;
      if (tp == null
          || tp.partition() != r.originalKafkaPartition()
          || !tp.topic().equals(r.originalTopic())) {
        tp = new TopicPartition(r.originalTopic(), r.originalKafkaPartition());
        last = tp;
      }
      if (fenced.contains(tp)) {
        continue;
      }
      Object outcome;
      try {
        outcome = mapper.map(r);
      } catch (RejectedRecordException e) {
        outcome = e;
      }
      items.add(new Item(r, tp, outcome));
    }
    Map<TopicPartition, Set<NamespacePath>> toInit = new LinkedHashMap<>();
    synchronized (this) {
      TopicPartition checkedPartition = null;
      NamespacePath checkedNamespace = null;
      for (Item item : items) {
        // Runs of records go the same way: the partition and the cached NamespacePath instance
        // repeat, and need checking once per run.
        NamespacePath ns = item.outcome() instanceof Mapped.Write w ? w.namespace() : null;
        if (item.partition() == checkedPartition && (ns == null || ns == checkedNamespace)) {
          continue;
        }
        PartitionState ps = partitions.computeIfAbsent(item.partition(), k -> new PartitionState());
        if (ps.fenced) {
          continue; // fenced since the snapshot: never claim anything more for it
        }
        checkedPartition = item.partition();
        checkedNamespace = ns;
        if (ns != null && !ps.lanes.containsKey(ns)) {
          toInit.computeIfAbsent(item.partition(), k -> new LinkedHashSet<>()).add(ns);
        }
      }
    }
    Map<TopicPartition, Map<NamespacePath, Lane>> newLanes = initLanes(toInit);
    List<Rejection> rejections = new ArrayList<>();
    synchronized (this) {
      throwIfFatal();
      newLanes.forEach(
          (tp, lanes) -> {
            PartitionState ps = partitions.get(tp);
            if (ps != null) {
              lanes.forEach(ps.lanes::putIfAbsent);
            }
          });
      LaneCursor cursor = new LaneCursor();
      for (Item item : items) {
        if (!accept(item.record(), item.partition(), item.outcome(), cursor, rejections)) {
          break; // a rejection that fails the task: accept nothing after it
        }
      }
      if (bufferedBytes > config.bufferMaxBytes()) {
        sealAll();
      }
      manageBackPressure();
    }
    report(rejections);
  }

  /**
   * The lane the previous record of a put() went to, and its namespace's dimension: most records go
   * where the one before went, which then costs no map lookups. Valid within one hold of the lock
   * (lanes are added and retired only under it).
   */
  private static final class LaneCursor {
    TopicPartition partition;
    NamespacePath namespace;
    Lane lane;
    int dimension;
  }

  /** A record of a put(), its original partition and what mapping made of it. */
  private record Item(SinkRecord record, TopicPartition partition, Object outcome) {}

  /** A record Shoal rejected, to hand to the error reporter once the lock is released. */
  private record Rejection(SinkRecord record, RejectedRecordException error) {}

  private synchronized Set<TopicPartition> fencedPartitions() {
    Set<TopicPartition> out = new HashSet<>();
    partitions.forEach(
        (tp, ps) -> {
          if (ps.fenced) {
            out.add(tp);
          }
        });
    return out;
  }

  /**
   * Buffers one mapped record, or adds it to {@code rejections}.
   *
   * @return false if it was rejected and nothing can report it (the task must fail)
   */
  private boolean accept(
      SinkRecord r,
      TopicPartition tp,
      Object outcome,
      LaneCursor cursor,
      List<Rejection> rejections) {
    if (outcome instanceof RejectedRecordException e) {
      return reject(r, e, rejections);
    }
    if (outcome instanceof Mapped.Skip s) {
      metrics.recordSkipped();
      LOG.trace("Skipping record {}: {}", RejectedRecordException.coordinates(r), s.reason());
      return true;
    }
    Mapped.Write w = (Mapped.Write) outcome;
    Lane lane;
    if (tp == cursor.partition && w.namespace() == cursor.namespace) {
      lane = cursor.lane;
    } else {
      PartitionState ps = partitions.get(tp);
      lane = ps == null ? null : ps.lanes.get(w.namespace());
      cursor.partition = tp;
      cursor.namespace = w.namespace();
      cursor.lane = lane;
      cursor.dimension = 0;
    }
    if (lane == null || lane.closed) {
      return true; // revoked or fenced meanwhile
    }
    long offset = r.originalKafkaOffset();
    if (offset <= lane.accepted) {
      metrics.recordDeduplicated(1);
      return true;
    }
    SinkOperation op = w.operation();
    int dim = op.dimension();
    if (dim > 0 && dim != cursor.dimension) {
      Integer known = dimensions.get(w.namespace());
      if (known == null) {
        dimensions.put(w.namespace(), dim);
      } else if (known != dim) {
        return reject(
            r,
            new RejectedRecordException(
                r,
                "its vector has "
                    + dim
                    + " dimensions but namespace "
                    + w.namespace()
                    + " has "
                    + known),
            rejections);
      }
      cursor.dimension = dim;
    }
    if (lane.open == null) {
      lane.open =
          new Batch(
              time.nanoseconds(),
              !dimensionsConfirmed.contains(w.namespace()),
              Math.min(config.batchMaxDocs(), MAX_PRESIZED_IDS));
    }
    long before = lane.open.bytes();
    if (lane.open.add(r, offset, op)) {
      metrics.recordFolded();
    }
    lane.accepted = offset;
    buffer(lane.open.bytes() - before, 1);
    if (lane.open.documents() >= config.batchMaxDocs()
        || lane.open.bytes() >= config.batchMaxBytes()) {
      seal(lane);
    }
    return true;
  }

  /**
   * Counts a rejected record and queues it for {@link #report}.
   *
   * @return false if nothing can report it (no error reporter and {@code errors.tolerance=none})
   */
  private boolean reject(SinkRecord r, RejectedRecordException e, List<Rejection> rejections) {
    metrics.recordRejected();
    rejections.add(new Rejection(r, e));
    return reporter() != null || config.toleratesErrors();
  }

  /**
   * Hands rejected records to the framework's error reporter, outside the lock: reporting may block
   * (producing to the dead-letter queue). Runs on the task thread, before put() returns.
   *
   * @throws ConnectException for a rejected record when nothing can report it
   */
  private void report(List<Rejection> rejections) {
    ErrantRecordReporter rep = reporter();
    for (Rejection x : rejections) {
      RejectedRecordException e = x.error();
      if (rep != null) {
        rep.report(x.record(), e);
      } else if (config.toleratesErrors()) {
        LOG.warn("{} (errors.tolerance=all, no dead-letter queue: record skipped)", e.getMessage());
      } else {
        throw new ConnectException(
            e.getMessage()
                + ". With errors.tolerance=none the task stops here; set errors.tolerance=all (and"
                + " errors.deadletterqueue.topic.name) to send such records to a dead-letter"
                + " queue",
            e);
      }
    }
  }

  private ErrantRecordReporter reporter() {
    if (!reporterResolved) {
      try {
        reporter = context.errantRecordReporter();
      } catch (NoSuchMethodError | NoClassDefFoundError e) {
        reporter = null; // a worker older than Kafka 2.6
      }
      reporterResolved = true;
    }
    return reporter;
  }

  // ---------------------------------------------------------------------------------------------
  // Claims

  /** Prepares the lanes records need, in parallel, outside the lock. */
  private Map<TopicPartition, Map<NamespacePath, Lane>> initLanes(
      Map<TopicPartition, Set<NamespacePath>> needed) {
    Map<TopicPartition, Map<NamespacePath, Lane>> out = new LinkedHashMap<>();
    if (needed.isEmpty()) {
      return out;
    }
    List<Future<Lane>> futures = new ArrayList<>();
    long startMs = time.milliseconds();
    needed.forEach(
        (tp, namespaces) -> {
          for (NamespacePath ns : namespaces) {
            futures.add(claimPool().submit(() -> initLane(tp, ns, startMs)));
          }
        });
    Throwable permanent = null;
    Throwable transientFailure = null;
    for (Future<Lane> f : futures) {
      try {
        Lane lane = f.get();
        out.computeIfAbsent(lane.partition, k -> new LinkedHashMap<>()).put(lane.namespace, lane);
      } catch (ExecutionException e) {
        if (isTransient(e.getCause())) {
          transientFailure = e.getCause();
        } else if (permanent == null) {
          permanent = e.getCause();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ConnectException("Interrupted while preparing namespaces", e);
      }
    }
    if (permanent != null) {
      throw new ConnectException(
          "Cannot prepare a namespace for writing: " + permanent.getMessage(), permanent);
    }
    if (transientFailure != null) {
      // Claims that succeeded are kept: they stay valid until the partition is revoked.
      synchronized (this) {
        out.forEach(
            (tp, lanes) -> {
              PartitionState ps = partitions.get(tp);
              if (ps != null) {
                lanes.forEach(ps.lanes::putIfAbsent);
              }
            });
      }
      context.timeout(config.retryBackoffMs());
      throw new RetriableException(
          "Cannot prepare a namespace for writing yet (the worker will retry): "
              + transientFailure.getMessage(),
          transientFailure);
    }
    return out;
  }

  /**
   * Claims the writer of {@code tp} in {@code ns} (exactly once) or makes sure {@code ns} exists
   * (at least once), and learns its vector dimension; retried with back-off within the blocking
   * budget of the task-thread call that started at {@code startMs}.
   */
  private Lane initLane(TopicPartition tp, NamespacePath ns, long startMs) {
    String writerId = writerId(config.connectorName(), tp);
    Lane lane;
    if (exactlyOnce) {
      WriterClaim claim =
          withRetries(
              "claim writer " + writerId + " in " + ns,
              startMs,
              () -> engine.claimWriter(ns, writerId, true, config.distanceMetric()));
      LOG.debug(
          "Claimed writer {} in {}: epoch {}, position {}",
          writerId,
          ns,
          claim.epoch(),
          claim.position());
      lane = new Lane(tp, ns, writerId, claim.epoch(), claim.position().orElse(-1));
    } else {
      boolean known;
      synchronized (this) {
        known = ensured.contains(ns);
      }
      if (!known) {
        withRetries(
            "create namespace " + ns,
            startMs,
            () -> {
              if (!engine.namespaceExists(ns)) {
                try {
                  engine.createNamespace(ns, config.distanceMetric(), Map.of());
                } catch (NamespaceExistsException raced) {
                  // created by another task meanwhile
                }
              }
              return null;
            });
      }
      lane = new Lane(tp, ns, null, 0, -1);
    }
    boolean dimensionKnown;
    synchronized (this) {
      ensured.add(ns);
      dimensionKnown = dimensions.containsKey(ns);
    }
    if (!dimensionKnown) {
      Integer dim = withRetries("read namespace " + ns, startMs, () -> dimensionOf(ns));
      if (dim != null) {
        synchronized (this) {
          dimensions.put(ns, dim);
          dimensionsConfirmed.add(ns);
        }
      }
    }
    return lane;
  }

  /**
   * Runs a blocking store call, retrying transient errors with back-off, but never starting a wait
   * that would end more than the blocking budget after {@code startMs} (the start of the
   * task-thread call that waits for it): the task thread must return to poll well within the
   * consumer's {@code max.poll.interval.ms}. A call in progress is not interrupted; the store's own
   * timeouts bound it.
   */
  private <T> T withRetries(String what, long startMs, Supplier<T> call) {
    for (int retry = 1; ; retry++) {
      try {
        return call.get();
      } catch (RuntimeException e) {
        long delay = blockingRetryPolicy.delayMs(retry);
        if (!isTransient(e)
            || !blockingRetryPolicy.allows(retry, time.milliseconds() - startMs, delay)) {
          throw e;
        }
        metrics.recordRetry();
        LOG.info("Cannot {} (retry {} in {} ms): {}", what, retry, delay, e.toString());
        time.sleep(delay);
      }
    }
  }

  private synchronized ExecutorService claimPool() {
    if (claimPool == null) {
      AtomicInteger n = new AtomicInteger();
      String name = "shoal-claim-" + config.connectorName() + "-" + config.taskId() + "-";
      claimPool =
          Executors.newFixedThreadPool(
              4,
              r -> {
                Thread t = new Thread(r, name + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }
    return claimPool;
  }

  // ---------------------------------------------------------------------------------------------
  // Flushing

  private void seal(Lane lane) {
    if (lane.open != null) {
      lane.sealed.addLast(lane.open);
      lane.open = null;
    }
    submitNext(lane);
  }

  private void sealAll() {
    for (PartitionState ps : partitions.values()) {
      for (Lane lane : ps.lanes.values()) {
        seal(lane);
      }
    }
  }

  /**
   * Starts the lane's next write if none is in flight: every sealed batch waiting, merged into one
   * request as far as the engine's per-write document limit allows (fewer, larger commits when the
   * store is slower than the consumer), carrying the last merged offset as its position.
   */
  private void submitNext(Lane lane) {
    if (lane.closed || stopped || lane.inFlight != null || lane.sealed.isEmpty()) {
      return;
    }
    Batch batch = lane.sealed.pollFirst();
    if (!lane.sealed.isEmpty()) {
      List<Batch> parts = new ArrayList<>();
      parts.add(batch);
      int documents = batch.documents();
      while (!lane.sealed.isEmpty()) {
        Batch next = lane.sealed.peekFirst();
        if (next.keepsEntries() != batch.keepsEntries()
            || documents + next.documents() > maxWriteDocs) {
          break;
        }
        documents += next.documents();
        parts.add(lane.sealed.pollFirst());
      }
      if (parts.size() > 1) {
        Batch merged = Batch.merge(parts);
        long bytes = 0;
        for (Batch part : parts) {
          bytes += part.bytes();
        }
        buffer(merged.bytes() - bytes, 0);
        metrics.recordFolded(documents - merged.documents());
        batch = merged;
      }
    }
    lane.inFlight = batch;
    lane.inFlightSinceNanos = time.nanoseconds();
    lane.retries = 0;
    submit(lane, batch);
  }

  private void submit(Lane lane, Batch batch) {
    CompletableFuture<WriteResult> future;
    try {
      future = engine.writeAsync(lane.namespace, batch.toRequest(lane.writerId, lane.epoch));
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    inFlight.add(future);
    CompletableFuture<WriteResult> f = future;
    future.whenCompleteAsync(
        (result, error) -> {
          synchronized (this) {
            inFlight.remove(f);
            completed(lane, batch, result, error);
          }
        },
        scheduler);
  }

  /** Runs on the scheduler thread, under the lock. */
  private void completed(Lane lane, Batch batch, WriteResult result, Throwable error) {
    if (lane.inFlight != batch) {
      return; // the lane was retired and this batch already released
    }
    if (error == null) {
      lane.inFlight = null;
      release(batch);
      lane.committed = Math.max(lane.committed, batch.lastOffset());
      if (batch.hasVectors()) {
        dimensionsConfirmed.add(lane.namespace);
      }
      if (result.deduplicated()) {
        metrics.recordDeduplicated(batch.recordCount());
      } else {
        long deletes = batch.deletes();
        metrics.recordCommitted(
            batch.documents() - deletes, deletes, time.nanoseconds() - lane.inFlightSinceNanos);
      }
      submitNext(lane);
      return;
    }
    Throwable cause = unwrap(error);
    if (lane.closed) {
      lane.inFlight = null;
      release(batch);
      return;
    }
    if (cause instanceof WriterFencedException) {
      fence(lane, cause);
      return;
    }
    if (isTransient(cause)) {
      if (lane.retries == 0) {
        lane.firstFailureNanos = time.nanoseconds();
      }
      int retry = ++lane.retries;
      long delay = retryPolicy.delayMs(retry);
      long elapsed = TimeUnit.NANOSECONDS.toMillis(time.nanoseconds() - lane.firstFailureNanos);
      lane.lastError = cause;
      if (retryPolicy.allows(retry, elapsed, delay) && !stopped) {
        metrics.recordRetry();
        LOG.info(
            "Cannot write {} records of {} to {} (retry {} in {} ms): {}",
            batch.recordCount(),
            lane.partition,
            lane.namespace,
            retry,
            delay,
            cause.toString());
        lane.retryTimer =
            scheduler.schedule(
                () -> {
                  synchronized (this) {
                    lane.retryTimer = null;
                    if (!lane.closed && lane.inFlight == batch && !stopped) {
                      submit(lane, batch);
                    }
                  }
                },
                delay,
                TimeUnit.MILLISECONDS);
      } else {
        lane.exhausted = true;
      }
      return;
    }
    if (cause instanceof InvalidRequestException && batch.hasVectors() && batch.keepsEntries()) {
      // Most likely another writer pinned the namespace's dimension first: re-check on put.
      lane.revalidate = true;
      lane.lastError = cause;
      return;
    }
    fatal =
        new ConnectException(
            "Cannot write "
                + batch.recordCount()
                + " records of "
                + lane.partition
                + " (offsets "
                + batch.firstOffset()
                + " to "
                + batch.lastOffset()
                + ") to "
                + lane.namespace
                + ": "
                + cause.getMessage(),
            cause);
  }

  /** Another instance claimed the partition: stop writing it, keep nothing of it. */
  private void fence(Lane lane, Throwable cause) {
    metrics.recordFenced();
    LOG.warn(
        "Partition {} is now written by another task instance ({}); this instance stops writing"
            + " it and drops what it buffered for it (the new owner reads it again)",
        lane.partition,
        cause.getMessage());
    Batch fenced = lane.inFlight;
    lane.inFlight = null;
    if (fenced != null) {
      release(fenced);
    }
    PartitionState ps = partitions.get(lane.partition);
    if (ps != null && ps.lanes.get(lane.namespace) == lane) {
      ps.fenced = true;
      for (Lane l : ps.lanes.values()) {
        retire(l);
      }
    } else {
      retire(lane);
    }
  }

  /** Timer tick: seal batches older than the flush interval. Runs on the scheduler thread. */
  private synchronized void tick() {
    if (stopped) {
      return;
    }
    long now = time.nanoseconds();
    for (PartitionState ps : partitions.values()) {
      for (Lane lane : ps.lanes.values()) {
        if (lane.open != null && now - lane.open.createdAtNanos() >= flushIntervalNanos) {
          seal(lane);
        }
      }
    }
  }

  private void buffer(long bytes, long records) {
    bufferedBytes += bytes;
    bufferedRecords += records;
    metrics.addBuffered(bytes, records);
  }

  private void release(Batch batch) {
    buffer(-batch.bytes(), -batch.recordCount());
  }

  // ---------------------------------------------------------------------------------------------
  // Task-thread housekeeping

  private void throwIfFatal() {
    if (fatal != null) {
      throw fatal;
    }
  }

  /** Lanes whose retries ran out: start them over and tell the worker with RetriableException. */
  private void restartExhausted() {
    List<String> problems = new ArrayList<>();
    for (PartitionState ps : partitions.values()) {
      for (Lane lane : ps.lanes.values()) {
        if (lane.exhausted && !lane.closed && lane.inFlight != null) {
          lane.exhausted = false;
          problems.add(
              lane.namespace
                  + " ("
                  + lane.partition
                  + ", "
                  + lane.retries
                  + " retries): "
                  + lane.lastError);
          lane.retries = 0;
          submit(lane, lane.inFlight);
        }
      }
    }
    if (!problems.isEmpty()) {
      context.timeout(config.retryBackoffMs());
      throw new RetriableException(
          "Cannot write to Shoal yet, the store keeps failing with transient errors; the sink"
              + " keeps the records and retries: "
              + String.join("; ", problems));
    }
  }

  /** Pauses all partitions above the buffer bound, resumes them below half of it. */
  private void manageBackPressure() {
    if (paused.isEmpty() && bufferedBytes > config.bufferMaxBytes()) {
      Set<TopicPartition> all = new LinkedHashSet<>(partitions.keySet());
      if (!all.isEmpty()) {
        LOG.info(
            "Pausing {} partitions: {} bytes buffered, more than {}",
            all.size(),
            bufferedBytes,
            config.bufferMaxBytes());
        context.pause(all.toArray(new TopicPartition[0]));
        paused.addAll(all);
      }
    } else if (!paused.isEmpty() && bufferedBytes <= config.bufferMaxBytes() / 2) {
      Set<TopicPartition> owned = new LinkedHashSet<>(paused);
      owned.retainAll(partitions.keySet());
      if (!owned.isEmpty()) {
        context.resume(owned.toArray(new TopicPartition[0]));
      }
      LOG.info("Resuming {} partitions: {} bytes buffered", owned.size(), bufferedBytes);
      paused.clear();
    }
    metrics.setPausedPartitions(paused.size());
    if (!paused.isEmpty()) {
      // Come back soon to resume: an idle poll would otherwise wait for the next offset commit.
      context.timeout(tickMs);
    }
  }

  /** Re-checks batches the engine refused, on the task thread (it may report records). */
  private void revalidate() {
    List<Lane> lanes = new ArrayList<>();
    synchronized (this) {
      for (PartitionState ps : partitions.values()) {
        for (Lane lane : ps.lanes.values()) {
          if (lane.revalidate && !lane.closed) {
            lanes.add(lane);
          }
        }
      }
    }
    for (Lane lane : lanes) {
      Integer dim;
      try {
        dim = dimensionOf(lane.namespace);
      } catch (RuntimeException e) {
        if (isTransient(e)) {
          continue; // try again on the next put
        }
        throw new ConnectException("Cannot read namespace " + lane.namespace + ": " + e, e);
      }
      List<Rejection> rejections = new ArrayList<>();
      synchronized (this) {
        if (!lane.revalidate || lane.closed || lane.inFlight == null) {
          continue;
        }
        Batch old = lane.inFlight;
        if (dim == null) {
          fatal =
              new ConnectException(
                  "Cannot write to " + lane.namespace + ": " + lane.lastError.getMessage(),
                  lane.lastError);
          throwIfFatal();
        }
        dimensions.put(lane.namespace, dim);
        dimensionsConfirmed.add(lane.namespace);
        Batch kept = new Batch(old.createdAtNanos(), false);
        int rejected = 0;
        for (Batch.Entry e : old.entries()) {
          int d = e.operation().dimension();
          if (d > 0 && d != dim) {
            rejected++;
            reject(
                e.record(),
                new RejectedRecordException(
                    e.record(),
                    "its vector has "
                        + d
                        + " dimensions but namespace "
                        + lane.namespace
                        + " has "
                        + dim
                        + " (set by another writer first)"),
                rejections);
          } else {
            kept.add(e.record(), e.offset(), e.operation());
          }
        }
        if (rejected == 0) {
          fatal =
              new ConnectException(
                  "Cannot write to " + lane.namespace + ": " + lane.lastError.getMessage(),
                  lane.lastError);
          throwIfFatal();
        }
        lane.revalidate = false;
        lane.inFlight = null;
        release(old);
        if (!kept.isEmpty()) {
          buffer(kept.bytes(), kept.recordCount());
          lane.sealed.addFirst(kept);
        } else if (lane.sealed.isEmpty() && lane.open == null) {
          // Nothing left of the batch: its offsets are done (rejected records were reported).
          lane.committed = Math.max(lane.committed, old.lastOffset());
        }
        submitNext(lane);
      }
      report(rejections);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Offsets

  /**
   * The offsets that may be committed: for each owned partition, the first offset not yet durable
   * in every namespace it went to (or the consumer's position if nothing is pending). Fenced and
   * revoked partitions are left out. Writes nothing: batches are sealed by size, by the
   * flush-interval timer and on close.
   */
  public synchronized Map<TopicPartition, OffsetAndMetadata> preCommit(
      Map<TopicPartition, OffsetAndMetadata> current) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : current.entrySet()) {
      PartitionState ps = partitions.get(e.getKey());
      if (ps == null || ps.fenced) {
        continue;
      }
      long safe = e.getValue().offset();
      for (Lane lane : ps.lanes.values()) {
        long pending = lane.firstPendingOffset();
        if (pending >= 0) {
          safe = Math.min(safe, pending);
        }
      }
      out.put(e.getKey(), new OffsetAndMetadata(safe, e.getValue().metadata()));
    }
    return out;
  }

  /**
   * Seals every buffer and waits until nothing is in flight or {@code timeoutMs} passes.
   *
   * @return whether everything buffered was committed
   */
  public boolean flushAll(long timeoutMs) {
    long deadline = time.milliseconds() + timeoutMs;
    synchronized (this) {
      sealAll();
    }
    while (time.milliseconds() < deadline && !Thread.currentThread().isInterrupted()) {
      synchronized (this) {
        throwIfFatal();
        boolean idle = true;
        for (PartitionState ps : partitions.values()) {
          for (Lane lane : ps.lanes.values()) {
            if (!lane.closed && !lane.idle()) {
              idle = false;
              if (lane.exhausted) {
                lane.exhausted = false;
                lane.retries = 0;
                submit(lane, lane.inFlight);
              }
            }
          }
        }
        if (idle) {
          return true;
        }
      }
      revalidate();
      time.sleep(5);
    }
    return false;
  }

  /** Stops: waits a while for writes in flight, then shuts the writer's threads down. */
  public void stop() {
    List<CompletableFuture<?>> pending;
    synchronized (this) {
      stopped = true;
      for (PartitionState ps : partitions.values()) {
        for (Lane lane : ps.lanes.values()) {
          if (lane.retryTimer != null) {
            lane.retryTimer.cancel(false);
          }
        }
      }
      pending = new ArrayList<>(inFlight);
    }
    try {
      CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
          .get(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | CompletionException e) {
      LOG.debug("Writes still in flight or failed at stop: {}", e.toString());
    }
    scheduler.shutdown();
    synchronized (this) {
      if (claimPool != null) {
        claimPool.shutdownNow();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Whether retrying the same call may succeed. */
  static boolean isTransient(Throwable t) {
    Throwable c = unwrap(t);
    if (c instanceof CommitStateUnknownException) {
      // Retrying re-sends the same writer position, which the engine deduplicates; in
      // at-least-once mode a replayed batch of upserts and deletes leaves the same state.
      return true;
    }
    if (c instanceof StorageException se) {
      return se.isTransient();
    }
    if (c instanceof ShoalException se) {
      return se.isRetriable();
    }
    return false;
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  // ---------------------------------------------------------------------------------------------
  // For tests and metrics

  /** Bytes buffered or in flight. */
  public synchronized long bufferedBytes() {
    return bufferedBytes;
  }

  /** Partitions paused for back-pressure. */
  public synchronized Set<TopicPartition> pausedPartitions() {
    return Set.copyOf(paused);
  }

  /** The highest committed offset of a partition in a namespace, as this writer knows it. */
  public synchronized long committedOffset(TopicPartition tp, NamespacePath ns) {
    PartitionState ps = partitions.get(tp);
    Lane lane = ps == null ? null : ps.lanes.get(ns);
    return lane == null ? -1 : lane.committed;
  }

  /** Whether this writer was fenced out of a partition. */
  public synchronized boolean isFenced(TopicPartition tp) {
    PartitionState ps = partitions.get(tp);
    return ps != null && ps.fenced;
  }

  @Override
  public String toString() {
    return "SinkWriter{" + config.connectorName() + "/" + config.taskId() + "}";
  }

  /** The namespace's pinned dimension from its manifest alone (no documents are loaded). */
  private Integer dimensionOf(NamespacePath ns) {
    java.util.OptionalInt dim = engine.vectorDimension(ns);
    return dim.isPresent() ? dim.getAsInt() : null;
  }
}
