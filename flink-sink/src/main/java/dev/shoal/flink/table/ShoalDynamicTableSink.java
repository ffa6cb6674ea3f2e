package dev.shoal.flink.table;

import static java.util.Objects.requireNonNull;

import dev.shoal.flink.ShoalSink;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;

/**
 * A {@code 'connector' = 'shoal'} table as a sink. With a primary key it consumes a changelog
 * (inserts and updates upsert, deletes delete; UPDATE_BEFORE is not needed), without one it takes
 * inserts only.
 */
final class ShoalDynamicTableSink implements DynamicTableSink {
  private final ShoalSink<RowData> sink;
  private final boolean keyed;
  private final Integer parallelism;

  ShoalDynamicTableSink(ShoalSink<RowData> sink, boolean keyed, Integer parallelism) {
    this.sink = requireNonNull(sink, "sink is null");
    this.keyed = keyed;
    this.parallelism = parallelism;
  }

  @Override
  public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
    if (!keyed) {
      return ChangelogMode.insertOnly();
    }
    return ChangelogMode.newBuilder()
        .addContainedKind(RowKind.INSERT)
        .addContainedKind(RowKind.UPDATE_AFTER)
        .addContainedKind(RowKind.DELETE)
        .build();
  }

  @Override
  public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
    return SinkV2Provider.of(sink, parallelism);
  }

  @Override
  public DynamicTableSink copy() {
    return new ShoalDynamicTableSink(sink, keyed, parallelism);
  }

  @Override
  public String asSummaryString() {
    return "Shoal(" + sink.settings().store().describe() + ")";
  }
}
