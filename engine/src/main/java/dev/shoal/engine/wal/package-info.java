/**
 * The write-ahead log: immutable batches of upserts, patches and deletes ({@link
 * dev.shoal.engine.wal.WalBatch}), one object per commit. A batch becomes visible only when a
 * manifest version references it; until compaction folds it into a segment, queries scan it
 * exhaustively. A streaming writer encodes records one by one with {@link
 * dev.shoal.engine.wal.WalBatchBuilder} and stages the {@link dev.shoal.engine.wal.EncodedWalBatch}
 * it gives.
 */
package dev.shoal.engine.wal;
