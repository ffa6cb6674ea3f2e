/**
 * The Flink sink's public API: {@link dev.shoal.flink.ShoalSink} (start with its builder, {@link
 * dev.shoal.flink.ShoalSinkBuilder}), the {@link dev.shoal.flink.ShoalWrite} changes a {@link
 * dev.shoal.flink.ShoalConverter} makes of records, and the {@link
 * dev.shoal.flink.NamespaceSelector} for sinks that write several namespaces.
 *
 * <p>Data flow: records go to {@link dev.shoal.flink.writer.ShoalSinkWriter} (one per subtask),
 * which batches them per namespace and stages (exactly-once) or writes (at-least-once) them; the
 * staged batches travel through Flink's checkpoints as {@link
 * dev.shoal.flink.committer.ShoalCommittable}s to {@link dev.shoal.flink.committer.ShoalCommitter},
 * which commits them when their checkpoint completes. The Table/SQL connector in {@code
 * dev.shoal.flink.table} builds the same sink from table options.
 */
package dev.shoal.flink;
