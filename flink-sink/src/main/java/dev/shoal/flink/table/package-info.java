/**
 * The Table/SQL connector {@code 'connector' = 'shoal'}: {@link
 * dev.shoal.flink.table.ShoalDynamicTableSinkFactory} reads the options ({@link
 * dev.shoal.flink.table.ShoalOptions}) and builds a {@link dev.shoal.flink.ShoalSink} of rows;
 * {@code RowDataConverter} maps columns and changelog row kinds to changes.
 */
package dev.shoal.flink.table;
