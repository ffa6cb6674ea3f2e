package dev.shoal.flink.committer;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.CommitFailedException;
import dev.shoal.engine.Engine;
import dev.shoal.engine.NamespaceNotFoundException;
import dev.shoal.engine.StagedBatch;
import dev.shoal.engine.WriteResult;
import dev.shoal.engine.WriterClaim;
import dev.shoal.engine.WriterFencedException;
import dev.shoal.engine.WriterPosition;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.flink.internal.Retrier;
import dev.shoal.flink.internal.SinkSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits staged batches when their checkpoint completes: each committable becomes one manifest
 * version that holds its batches and its writer position, so that committing it again (after a
 * restore, or after an unknown outcome) is a no-op.
 *
 * <h2>Order</h2>
 *
 * Flink calls {@link #commit} once per checkpoint, oldest first, and only after the previous
 * checkpoint's committables are all committed; a failure here fails the job rather than skipping
 * ahead. Within a call, committables of one writer id and namespace go in position order, each as
 * its own version: checkpoints are never merged.
 *
 * <h2>Epochs</h2>
 *
 * The committer, not the writer, claims writer ids: the first time this committer instance commits
 * for a (namespace, writer id) it calls {@link Engine#claimWriter}, which bumps the epoch (fencing
 * every earlier instance, such as a task of a failed attempt that is still finishing a commit) and
 * returns the committed position. It then commits under that epoch for the rest of its life. After
 * a restore at another parallelism one committer may hold claims for several writer ids, including
 * ids of subtasks that no longer exist; Flink commits restored committables while the committer
 * initializes, before any new checkpoint can complete, so the committer of the new subtask with the
 * same id claims it only afterwards and the two never alternate. A write fenced by a newer epoch
 * therefore means this instance is a zombie, or that another job uses the same sink uid: the commit
 * fails and says so.
 *
 * <h2>Faults</h2>
 *
 * Transient store faults are retried here with back-off (Flink's own retries come at once). A
 * commit with an unknown outcome is retried too: the writer position makes the retry a no-op if the
 * first attempt did commit. A committable already at or below the namespace's position is reported
 * as already committed; its WAL objects are live (or compacted) and are left alone.
 *
 * <p>Not thread-safe: Flink calls it from the task thread.
 */
public final class ShoalCommitter implements Committer<ShoalCommittable> {
  private static final Logger LOG = LoggerFactory.getLogger(ShoalCommitter.class);

  /**
   * The epoch this instance claimed for a writer id in a namespace, and the newest position seen.
   */
  private static final class Claim {
    final long epoch;
    long position;

    Claim(long epoch, long position) {
      this.epoch = epoch;
      this.position = position;
    }
  }

  private record ClaimKey(NamespacePath namespace, String writerId) {}

  /** A staged object vanished before its commit: retrying cannot help. */
  private static final class StagedObjectMissing extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StagedObjectMissing(String key, Throwable cause) {
      super(key, cause);
    }
  }

  private final SinkSettings settings;
  private final Engine engine;
  private final Retrier retrier;
  private final Map<ClaimKey, Claim> claims = new HashMap<>();
  private final Counter committedCheckpoints;
  private final Counter committedBatches;
  private final Counter committedRecords;
  private final Counter deduplicatedCommits;

  public ShoalCommitter(
      SinkSettings settings, Engine engine, Retrier retrier, MetricGroup metrics) {
    this.settings = requireNonNull(settings, "settings is null");
    this.engine = requireNonNull(engine, "engine is null");
    this.retrier = requireNonNull(retrier, "retrier is null");
    this.committedCheckpoints = metrics.counter("committedCheckpoints");
    this.committedBatches = metrics.counter("committedBatches");
    this.committedRecords = metrics.counter("committedRecords");
    this.deduplicatedCommits = metrics.counter("deduplicatedCommits");
  }

  @Override
  public void commit(Collection<CommitRequest<ShoalCommittable>> requests)
      throws IOException, InterruptedException {
    if (requests.isEmpty()) {
      return;
    }
    List<CommitRequest<ShoalCommittable>> ordered = new ArrayList<>(requests);
    ordered.sort(
        Comparator.comparing(
                (CommitRequest<ShoalCommittable> r) -> r.getCommittable().namespace().toString())
            .thenComparing(r -> r.getCommittable().writerId())
            .thenComparingLong(r -> r.getCommittable().position()));
    for (CommitRequest<ShoalCommittable> request : ordered) {
      if (commitOne(request.getCommittable())) {
        request.signalAlreadyCommitted();
      }
    }
    committedCheckpoints.inc();
  }

  /**
   * Commits one committable.
   *
   * @return whether it had been committed before (nothing was written now)
   */
  boolean commitOne(ShoalCommittable c) throws IOException, InterruptedException {
    NamespacePath ns = c.namespace();
    Claim claim = claim(ns, c.writerId());
    if (c.position() <= claim.position) {
      deduplicated(c, claim.position);
      return true;
    }
    WriterPosition position = new WriterPosition(c.writerId(), claim.epoch, c.position());
    WriteResult result;
    try {
      result =
          retrier.call(
              "commit checkpoint " + c.checkpointId() + " of " + c.writerId() + " to " + ns,
              () -> {
                try {
                  return engine.commitStaged(
                      ns, c.batches(), position, true, settings.distanceMetric());
                } catch (CommitFailedException e) {
                  String missing = missingObject(c.batches());
                  if (missing != null) {
                    throw new StagedObjectMissing(missing, e);
                  }
                  throw e;
                }
              });
    } catch (WriterFencedException e) {
      throw new IOException(
          "Cannot commit checkpoint "
              + c.checkpointId()
              + " of writer "
              + c.writerId()
              + " to "
              + ns
              + ": another instance claimed this writer id since (epoch "
              + claim.epoch
              + " was superseded). Either this task belongs to a failed attempt whose"
              + " replacement has taken over (nothing to do), or another running job uses the"
              + " same sink uid \""
              + settings.sinkUid()
              + "\" (give each job its own sinkUid)",
          e);
    } catch (StagedObjectMissing e) {
      long stored = position(ns, c.writerId());
      if (stored >= c.position()) {
        claim.position = Math.max(claim.position, stored);
        deduplicated(c, stored);
        return true;
      }
      throw new IOException(
          "Cannot commit checkpoint "
              + c.checkpointId()
              + " of writer "
              + c.writerId()
              + " to "
              + ns
              + ": staged WAL object "
              + e.getMessage()
              + " no longer exists and the namespace holds position "
              + stored
              + " < "
              + c.position()
              + " for this writer, so its "
              + c.records()
              + " records are lost (a repair sweep with a grace period shorter than the time"
              + " between staging and commit?). Restore from a checkpoint or savepoint taken"
              + " before them, or replay the input",
          e.getCause());
    } catch (RuntimeException e) {
      throw new IOException(
          "Cannot commit checkpoint "
              + c.checkpointId()
              + " of writer "
              + c.writerId()
              + " to "
              + ns
              + " ("
              + c.records()
              + " records in "
              + c.batches().size()
              + " staged batches): "
              + e.getMessage(),
          e);
    }
    claim.position = Math.max(claim.position, c.position());
    if (result.deduplicated()) {
      deduplicated(c, c.position());
      return true;
    }
    committedBatches.inc(c.batches().size());
    committedRecords.inc(c.records());
    LOG.debug("Committed {} as version {}", c, result.version());
    return false;
  }

  private Claim claim(NamespacePath ns, String writerId) throws InterruptedException {
    ClaimKey key = new ClaimKey(ns, writerId);
    Claim claim = claims.get(key);
    if (claim == null) {
      WriterClaim w =
          retrier.call(
              "claim writer " + writerId + " in " + ns,
              () -> engine.claimWriter(ns, writerId, true, settings.distanceMetric()));
      claim = new Claim(w.epoch(), w.position().orElse(0));
      claims.put(key, claim);
      LOG.info(
          "Claimed writer {} in {}: epoch {}, committed position {}",
          writerId,
          ns,
          w.epoch(),
          claim.position);
    }
    return claim;
  }

  private long position(NamespacePath ns, String writerId) throws InterruptedException {
    return retrier.call(
        "read the position of " + writerId + " in " + ns,
        () -> {
          try {
            return engine.writerPosition(ns, writerId).orElse(0);
          } catch (NamespaceNotFoundException e) {
            return 0L;
          }
        });
  }

  private String missingObject(List<StagedBatch> batches) {
    for (StagedBatch b : batches) {
      if (engine.store().stat(b.key()).isEmpty()) {
        return b.key();
      }
    }
    return null;
  }

  private void deduplicated(ShoalCommittable c, long stored) {
    deduplicatedCommits.inc();
    LOG.info("Already committed: {} (the namespace holds position {} for this writer)", c, stored);
  }

  @Override
  public void close() {
    engine.close();
  }
}
