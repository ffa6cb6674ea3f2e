/**
 * Shoal's engine: namespaces of documents on object storage.
 *
 * <p>Start with {@link dev.shoal.engine.Engine}, the facade every module wraps. Data flows through
 * the sub-packages in this order: {@code model} (documents) → {@code wal} (immutable batches) →
 * {@code manifest} (versioned, compare-and-swap commits) → {@code namespace} (write path, group
 * commit, snapshots) → {@code segment} and {@code index} (compaction output) → {@code query}
 * (executor). {@code storage} and {@code cache} sit underneath everything.
 */
package dev.shoal.engine;
