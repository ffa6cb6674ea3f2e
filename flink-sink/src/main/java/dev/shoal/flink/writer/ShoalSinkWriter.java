package dev.shoal.flink.writer;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.CommitStateUnknownException;
import dev.shoal.engine.Engine;
import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.NamespaceNotFoundException;
import dev.shoal.engine.StagedBatch;
import dev.shoal.engine.WriteResult;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.wal.EncodedWalBatch;
import dev.shoal.flink.InvalidRecordPolicy;
import dev.shoal.flink.NamespaceSelector;
import dev.shoal.flink.ShoalConverter;
import dev.shoal.flink.ShoalWrite;
import dev.shoal.flink.committer.ShoalCommittable;
import dev.shoal.flink.internal.Retrier;
import dev.shoal.flink.internal.SinkSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subtask's writer: converts records, buffers the last change per id and namespace, and sends
 * full batches in the background.
 *
 * <h2>Exactly-once</h2>
 *
 * A full batch is <em>staged</em>: written as a WAL object that no reader sees. Before each
 * checkpoint barrier {@link #prepareCommit()} stages what is left, waits for every staged object,
 * and hands one {@link ShoalCommittable} per namespace to Flink; the committer commits it when the
 * checkpoint completes. Its writer position is {@code base + checkpoint}, where {@code base} is the
 * position the namespace held for this writer id when this writer instance first touched it.
 * Positions therefore keep increasing across restores (the checkpoint id grows past the restored
 * one), across rescales and across fresh starts of a job with the same sink uid (the base has moved
 * past everything committed before), so a committable is deduplicated only when it really was
 * committed already.
 *
 * <h2>At-least-once</h2>
 *
 * A batch is staged and committed at once, without a writer position, as soon as it is full or
 * {@code flushInterval} old; every checkpoint waits until all writes are acknowledged. A replay
 * after a failure applies some changes twice, which leaves keyed upserts and deletes exact.
 *
 * <h2>Threads</h2>
 *
 * Everything here runs on the task thread except the store calls, which run on the writer's I/O
 * threads ({@code shoal-sink-<uid>-<subtask>-io-N}, stopped by {@link #close}); at most one batch
 * per namespace is in flight, so batches of a namespace are applied in order. The task thread
 * learns about finished batches from a queue and waits for a namespace's previous batch before
 * sending its next one, which bounds memory and back-pressures the job when the store is slower
 * than the stream.
 */
public final class ShoalSinkWriter<T>
    implements StatefulSinkWriter<T, ShoalWriterState>, CommittingSinkWriter<T, ShoalCommittable> {
  private static final Logger LOG = LoggerFactory.getLogger(ShoalSinkWriter.class);
  private static final int MAX_RECORD_TEXT = 200;

  private final SinkSettings settings;
  private final ShoalConverter<T> converter;
  private final NamespaceSelector<T> selector;
  private final NamespacePath fixedNamespace;
  private final Engine engine;
  private final String writerId;
  private final int subtask;
  private final Retrier retrier;
  private final ProcessingTimeService time;
  private final ExecutorService io;
  private final Map<NamespacePath, Channel> channels = new LinkedHashMap<>();
  private final ConcurrentLinkedQueue<Channel> finished = new ConcurrentLinkedQueue<>();
  private final Counter recordsSent;
  private final Counter bytesSent;
  private final Counter sendErrors;
  private final Counter outErrors;

  /** How long the last batch took to stage or write (the standard {@code currentSendTime}). */
  private volatile long lastSendMillis;

  /** The channel of the previous record (channels are never removed). */
  private Channel lastChannel;

  private long lastCheckpointId;
  private long lastEmittedCheckpoint = -1;
  private long recordNumber;
  private boolean timerPending;

  public ShoalSinkWriter(
      SinkSettings settings,
      ShoalConverter<T> converter,
      NamespaceSelector<T> selector,
      Engine engine,
      int subtask,
      long restoredCheckpointId,
      ProcessingTimeService time,
      SinkWriterMetricGroup metrics) {
    this.settings = requireNonNull(settings, "settings is null");
    this.converter = requireNonNull(converter, "converter is null");
    this.selector = selector;
    this.fixedNamespace = settings.namespacePath();
    this.engine = requireNonNull(engine, "engine is null");
    this.subtask = subtask;
    this.writerId = settings.writerId(subtask);
    this.retrier = settings.retrier();
    this.time = requireNonNull(time, "time is null");
    this.lastCheckpointId = restoredCheckpointId;
    AtomicInteger n = new AtomicInteger();
    this.io =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t =
                  new Thread(
                      r,
                      "shoal-sink-"
                          + settings.sinkUid()
                          + "-"
                          + subtask
                          + "-io-"
                          + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.recordsSent = metrics.getNumRecordsSendCounter();
    this.bytesSent = metrics.getNumBytesSendCounter();
    this.sendErrors = metrics.getNumRecordsSendErrorsCounter();
    this.outErrors = metrics.getNumRecordsOutErrorsCounter();
    metrics.setCurrentSendTimeGauge(() -> lastSendMillis);
  }

  /** The writer id this subtask stages under. */
  public String writerId() {
    return writerId;
  }

  // ---------------------------------------------------------------------------------------------
  // Records

  @Override
  public void write(T element, Context context) throws IOException, InterruptedException {
    recordNumber++;
    settleFinished();
    ShoalWrite change;
    NamespacePath ns = fixedNamespace;
    try {
      change = converter.convert(element);
      if (change == null) {
        return;
      }
      if (ns == null) {
        String path = selector.select(element);
        if (path == null) {
          throw new InvalidRequestException("the namespace selector returned null");
        }
        ns = NamespacePath.parse(path);
      }
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      invalid(element, ns, e.getMessage() == null ? e.toString() : e.getMessage(), e);
      return;
    }
    Channel channel = channel(ns);
    String problem = channel.checkDimension(change, recordNumber);
    if (problem != null) {
      invalid(element, ns, problem, null);
      return;
    }
    if (channel.buffer.isEmpty()) {
      channel.firstAddedMillis = time.getCurrentProcessingTime();
    }
    channel.buffer.add(change);
    channel.touched = true;
    if (channel.buffer.records() >= settings.batchMaxDocs()
        || channel.buffer.bytes() >= settings.batchMaxBytes()) {
      send(channel);
    } else if (!settings.exactlyOnce()) {
      scheduleFlush();
    }
  }

  private void invalid(T element, NamespacePath ns, String reason, Exception cause) {
    String text = String.valueOf(element);
    if (text.length() > MAX_RECORD_TEXT) {
      text = text.substring(0, MAX_RECORD_TEXT) + "...";
    }
    String message =
        "Cannot write record #"
            + recordNumber
            + " of sink "
            + settings.sinkUid()
            + " subtask "
            + subtask
            + (ns == null ? "" : " to " + ns)
            + ": "
            + reason
            + " (record: "
            + text
            + ")";
    if (settings.invalidRecords() == InvalidRecordPolicy.FAIL) {
      throw new InvalidRequestException(message, cause);
    }
    outErrors.inc();
    LOG.warn("Skipping invalid record: {}", message);
  }

  private Channel channel(NamespacePath ns) throws InterruptedException {
    // Most streams write one namespace, or runs of records to the same one: skip the map then.
    Channel last = lastChannel;
    if (last != null && (last.ns == ns || last.ns.equals(ns))) {
      return last;
    }
    Channel channel = channels.get(ns);
    if (channel == null) {
      channel = new Channel(ns, settings.batchMaxDocs());
      channel.dimension =
          retrier.call(
              "read the vector dimension of " + ns,
              () -> {
                try {
                  return engine.vectorDimension(ns).orElse(0);
                } catch (NamespaceNotFoundException e) {
                  return 0;
                }
              });
      if (settings.exactlyOnce()) {
        channel.base =
            retrier.call(
                "read the position of writer " + writerId + " in " + ns,
                () -> {
                  try {
                    return engine.writerPosition(ns, writerId).orElse(0);
                  } catch (NamespaceNotFoundException e) {
                    return 0L;
                  }
                });
      }
      channels.put(ns, channel);
    }
    lastChannel = channel;
    return channel;
  }

  // ---------------------------------------------------------------------------------------------
  // Sending batches

  private void send(Channel channel) throws IOException, InterruptedException {
    if (channel.buffer.isEmpty()) {
      return;
    }
    await(channel);
    // Encoded as the records arrived: framing the batch is one copy of its bytes.
    EncodedWalBatch batch = channel.buffer.finish();
    int records = batch.records();
    NamespacePath ns = channel.ns;
    CompletableFuture<Object> future = new CompletableFuture<>();
    channel.inflight = future;
    channel.inflightRecords = records;
    channel.inflightBytes = batch.bytes().length;
    io.execute(
        () -> {
          long start = System.nanoTime();
          try {
            Object result;
            if (settings.exactlyOnce()) {
              result =
                  retrier.call(
                      "stage " + records + " records for " + ns, () -> engine.stage(ns, batch));
            } else {
              result =
                  retrier.call(
                      "write " + records + " records to " + ns, () -> stageAndCommit(ns, batch));
            }
            lastSendMillis = (System.nanoTime() - start) / 1_000_000;
            future.complete(result);
          } catch (Throwable t) {
            future.completeExceptionally(t);
          } finally {
            finished.add(channel);
          }
        });
  }

  /**
   * Writes an at-least-once batch: stages its WAL object and commits it at once, without a writer
   * position. A commit that definitely failed deletes the object; after an unknown outcome the
   * object may be committed and stays (the retry stages a new one, a replay as any other).
   */
  private WriteResult stageAndCommit(NamespacePath ns, EncodedWalBatch batch) {
    StagedBatch staged = engine.stage(ns, batch);
    try {
      return engine.commitStaged(ns, List.of(staged), null, true, settings.distanceMetric());
    } catch (CommitStateUnknownException e) {
      throw e;
    } catch (RuntimeException e) {
      try {
        engine.discardStaged(staged);
      } catch (RuntimeException d) {
        e.addSuppressed(d);
      }
      throw e;
    }
  }

  /** Waits for a namespace's batch in flight, if any, and takes its outcome. */
  private void await(Channel channel) throws IOException, InterruptedException {
    CompletableFuture<Object> future = channel.inflight;
    if (future == null) {
      return;
    }
    try {
      future.get();
    } catch (ExecutionException e) {
      // settle() reports it
    }
    settle(channel);
  }

  private void settleFinished() throws IOException {
    Channel channel;
    while ((channel = finished.poll()) != null) {
      settle(channel);
    }
  }

  /** Takes the outcome of a finished batch (a no-op if there is none or it is still running). */
  private void settle(Channel channel) throws IOException {
    CompletableFuture<Object> future = channel.inflight;
    if (future == null || !future.isDone()) {
      return;
    }
    channel.inflight = null;
    Object result;
    try {
      result = future.join();
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      sendErrors.inc(channel.inflightRecords);
      outErrors.inc(channel.inflightRecords);
      throw new IOException(
          "Cannot "
              + (settings.exactlyOnce() ? "stage" : "write")
              + " a batch of "
              + channel.inflightRecords
              + " records to "
              + channel.ns
              + " (sink "
              + settings.sinkUid()
              + " subtask "
              + subtask
              + "): "
              + cause.getMessage(),
          cause);
    }
    if (result instanceof StagedBatch batch) {
      channel.staged.add(batch);
      recordsSent.inc(batch.records());
      bytesSent.inc(batch.bytes());
    } else {
      recordsSent.inc(((WriteResult) result).records());
      bytesSent.inc(channel.inflightBytes);
    }
  }

  private void scheduleFlush() {
    if (timerPending) {
      return;
    }
    timerPending = true;
    long interval = settings.flushInterval().toMillis();
    time.registerTimer(time.getCurrentProcessingTime() + interval, now -> onFlushTimer(now));
  }

  private void onFlushTimer(long now) throws IOException, InterruptedException {
    timerPending = false;
    settleFinished();
    long interval = settings.flushInterval().toMillis();
    boolean pending = false;
    for (Channel channel : channels.values()) {
      if (channel.buffer.isEmpty()) {
        continue;
      }
      settle(channel);
      if (now - channel.firstAddedMillis >= interval && channel.inflight == null) {
        send(channel);
      } else {
        pending = true;
      }
    }
    if (pending) {
      scheduleFlush();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Checkpoints

  @Override
  public void flush(boolean endOfInput) throws IOException, InterruptedException {
    for (Channel channel : channels.values()) {
      send(channel);
    }
    for (Channel channel : channels.values()) {
      await(channel);
    }
  }

  @Override
  public Collection<ShoalCommittable> prepareCommit() throws IOException, InterruptedException {
    if (!settings.exactlyOnce()) {
      return List.of();
    }
    flush(false);
    // The checkpoint this barrier belongs to has an id above the last snapshot's; using that lower
    // bound keeps positions of committables from before a restore below every later one.
    long checkpoint = lastCheckpointId + 1;
    List<ShoalCommittable> committables = new ArrayList<>();
    for (Iterator<Channel> it = channels.values().iterator(); it.hasNext(); ) {
      Channel channel = it.next();
      if (!channel.staged.isEmpty()) {
        if (checkpoint <= lastEmittedCheckpoint) {
          throw new IllegalStateException(
              "Cannot prepare the commit of writer "
                  + writerId
                  + ": no checkpoint was taken since checkpoint "
                  + lastEmittedCheckpoint
                  + " was prepared");
        }
        committables.add(
            new ShoalCommittable(
                writerId, channel.ns, checkpoint, channel.base + checkpoint, channel.staged));
        channel.staged = new ArrayList<>();
      }
      if (!channel.touched) {
        it.remove(); // idle for a whole checkpoint: forget it (its base is re-read if it returns)
      }
      channel.touched = false;
    }
    if (!committables.isEmpty()) {
      lastEmittedCheckpoint = checkpoint;
      LOG.debug("Writer {} prepared {} for checkpoint {}", writerId, committables, checkpoint);
    }
    return committables;
  }

  @Override
  public List<ShoalWriterState> snapshotState(long checkpointId) {
    lastCheckpointId = checkpointId;
    if (!settings.exactlyOnce()) {
      for (Iterator<Channel> it = channels.values().iterator(); it.hasNext(); ) {
        Channel channel = it.next();
        if (!channel.touched && channel.buffer.isEmpty() && channel.inflight == null) {
          it.remove();
        }
        channel.touched = false;
      }
    }
    return List.of(new ShoalWriterState(writerId, checkpointId));
  }

  /**
   * Stops the I/O threads and closes the engine. Staged objects not yet handed to Flink (this
   * writer stopped between checkpoints) are deleted: no committable refers to them.
   */
  @Override
  public void close() {
    io.shutdown();
    try {
      if (!io.awaitTermination(10, TimeUnit.SECONDS)) {
        io.shutdownNow();
      }
    } catch (InterruptedException e) {
      io.shutdownNow();
      Thread.currentThread().interrupt();
    }
    List<StagedBatch> unsent = new ArrayList<>();
    for (Channel channel : channels.values()) {
      unsent.addAll(channel.staged);
      CompletableFuture<Object> f = channel.inflight;
      if (f != null
          && f.isDone()
          && !f.isCompletedExceptionally()
          && f.join() instanceof StagedBatch b) {
        unsent.add(b);
      }
    }
    for (StagedBatch batch : unsent) {
      try {
        engine.discardStaged(batch);
      } catch (RuntimeException e) {
        LOG.warn("Cannot delete staged object {} (repair will): {}", batch.key(), e.toString());
      }
    }
    engine.close();
  }

  /** One namespace's buffer, batch in flight and staged batches. Task thread only. */
  private static final class Channel {
    final NamespacePath ns;
    ChangeBuffer buffer;
    volatile CompletableFuture<Object> inflight;
    int inflightRecords;
    long inflightBytes;
    List<StagedBatch> staged = new ArrayList<>();
    int dimension;
    String dimensionFrom;
    long base;
    long firstAddedMillis;
    boolean touched;

    Channel(NamespacePath ns, int batchMaxDocs) {
      this.ns = ns;
      this.buffer = new ChangeBuffer(batchMaxDocs);
    }

    /** Null if the change fits the namespace's dimension, else why not. */
    String checkDimension(ShoalWrite change, long recordNumber) {
      int dim;
      if (change instanceof ShoalWrite.Upsert u) {
        dim = u.document().dimension();
      } else if (change instanceof ShoalWrite.Patch p) {
        dim = p.patch().dimension();
      } else {
        return null;
      }
      if (dim == 0) {
        return null;
      }
      if (dimension == 0) {
        dimension = dim;
        dimensionFrom = "record #" + recordNumber + " (document \"" + change.id() + "\")";
        return null;
      }
      if (dim != dimension) {
        return "document \""
            + change.id()
            + "\" has a "
            + dim
            + "-dimensional vector but the namespace uses "
            + dimension
            + " dimensions"
            + (dimensionFrom == null ? "" : " (set by " + dimensionFrom + ")");
      }
      return null;
    }
  }
}
