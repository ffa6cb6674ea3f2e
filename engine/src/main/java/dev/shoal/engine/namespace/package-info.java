/**
 * The write path and everything that changes a namespace's manifest. Start at {@link
 * dev.shoal.engine.namespace.NamespaceService}: lifecycle, group commits and the commit loop (the
 * next manifest version created with put-if-absent, rebased after a lost race). Around it: {@link
 * dev.shoal.engine.namespace.SnapshotLoader} builds the in-memory state of one version ({@link
 * dev.shoal.engine.namespace.NamespaceSnapshot}: segments plus the WAL tail); {@link
 * dev.shoal.engine.namespace.Compactor} folds WAL batches into segments, merges segments in tiers
 * and releases garbage past the retention period, one compactor per namespace at a time (a lease
 * taken with put-if-absent); {@link dev.shoal.engine.namespace.Branching} makes copy-on-write
 * branches and independent copies.
 *
 * <p>A commit whose outcome is unknown never deletes what it may have committed ({@link
 * dev.shoal.engine.namespace.NamespaceService#resolve}), and no commit references an object older
 * than half the sweep grace period ({@link
 * dev.shoal.engine.namespace.NamespaceService#requireYoung}); a staged batch that old when its
 * commit is asked for is committed as a fresh copy.
 */
package dev.shoal.engine.namespace;
