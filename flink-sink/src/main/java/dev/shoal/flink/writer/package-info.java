/**
 * The sink writer: converting records, folding them to the last change per id and encoding them as
 * WAL records as they arrive ({@link dev.shoal.flink.writer.ChangeBuffer}), and sending batches
 * with one in flight per namespace. Start with {@link dev.shoal.flink.writer.ShoalSinkWriter},
 * whose javadoc explains the writer positions of exactly-once committables.
 */
package dev.shoal.flink.writer;
