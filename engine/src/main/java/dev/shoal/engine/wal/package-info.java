/**
 * The write-ahead log: immutable batches of upserts, patches and deletes ({@link
 * dev.shoal.engine.wal.WalBatch}), one object per commit. A batch becomes visible only when a
 * manifest version references it; until compaction folds it into a segment, queries scan it
 * exhaustively.
 */
package dev.shoal.engine.wal;
