/**
 * The committing half of exactly-once: {@link dev.shoal.flink.committer.ShoalCommittable} (what a
 * writer staged for one checkpoint and namespace), its versioned serializer, and {@link
 * dev.shoal.flink.committer.ShoalCommitter}, which explains ordering, epochs and fault handling.
 */
package dev.shoal.flink.committer;
