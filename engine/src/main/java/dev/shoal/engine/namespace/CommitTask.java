package dev.shoal.engine.namespace;

import dev.shoal.engine.StagedBatch;
import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.WriteResult;
import dev.shoal.engine.WriterPosition;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.query.Filter;
import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.wal.WalRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Work queued on a {@link NamespaceHandle}. */
sealed interface CommitTask {
  CompletableFuture<?> future();

  /**
   * A write. Its explicit records are already validated and encoded as WAL records; {@code staged}
   * holds WAL objects written ahead (by a two-phase sink) instead.
   *
   * @param dimension the vector dimension its records use, or 0 if none has a vector
   * @param oldestStaged the oldest of {@code staged} as the store described it when the commit was
   *     asked for (its time is the store's clock), or null if none
   */
  record Write(
      Options request,
      List<WalRecord> records,
      List<StagedBatch> staged,
      int dimension,
      ObjectInfo oldestStaged,
      CompletableFuture<WriteResult> future)
      implements CommitTask {}

  /**
   * What a write asks of its commit besides its records: a {@link WriteRequest}'s options, or only
   * creation settings for staged batches committed without a writer position (which no {@link
   * WriteRequest} can carry: it must hold a change or a position).
   */
  record Options(
      Filter deleteByFilter,
      Long ifVersion,
      String idempotencyKey,
      WriterPosition writerPosition,
      boolean createIfMissing,
      DistanceMetric distanceMetric) {

    static Options of(WriteRequest r) {
      return new Options(
          r.deleteByFilter(),
          r.ifVersion(),
          r.idempotencyKey(),
          r.writerPosition(),
          r.createIfMissing(),
          r.distanceMetric());
    }
  }

  /**
   * Any other change of the manifest (create, labels, delete, writer claim...). {@code update}
   * computes the next manifest from the newest one (null if the namespace never existed); it may
   * throw to fail the task. Re-run on each attempt.
   */
  record Update<R>(ManifestUpdate<R> update, CompletableFuture<R> future) implements CommitTask {}

  /** A manifest change and the result it gives its caller. */
  interface ManifestUpdate<R> {
    /**
     * @param base the newest manifest, or null if the namespace never existed
     * @param nextVersion the version the result must have
     * @return the next manifest, or null when there is nothing to change
     */
    Manifest apply(Manifest base, long nextVersion);

    /** The caller's result, given the committed manifest (or the base if nothing changed). */
    R result(Manifest manifest);
  }
}
