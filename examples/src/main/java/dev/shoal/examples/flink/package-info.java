/**
 * Flink jobs writing to Shoal in a local MiniCluster: {@link
 * dev.shoal.examples.flink.FlinkDataStreamExample} (DataStream API, an embedding map step, the
 * {@code ShoalSink} builder) and {@link dev.shoal.examples.flink.FlinkSqlExample} (a table with
 * {@code 'connector' = 'shoal'}, an {@code EMBED} SQL function and {@code INSERT INTO}).
 */
package dev.shoal.examples.flink;
