/**
 * Cache tiers between queries and object storage. Start at {@link
 * dev.shoal.engine.cache.ObjectCache}: it reads an immutable object from memory, from the local
 * disk ({@link dev.shoal.engine.cache.DiskCache}: raw bytes by key, bounded in bytes, kept across
 * restarts, a damaged file read again from the store) or from the store.
 *
 * <p>{@link dev.shoal.engine.cache.MemoryCache} holds, weighed in bytes, decoded WAL batches by key
 * and the newest snapshot of each namespace (built by {@link
 * dev.shoal.engine.namespace.SnapshotLoader}). Segments are not cached by key: the snapshot that
 * uses them holds them, and the next version of its namespace reuses them; a segment no cached
 * snapshot holds is decoded again from the disk tier or the store. {@link
 * dev.shoal.engine.cache.PinSet} records the namespaces kept warm.
 */
package dev.shoal.engine.cache;
