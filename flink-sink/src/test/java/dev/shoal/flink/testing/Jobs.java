package dev.shoal.flink.testing;

import dev.shoal.flink.ShoalSink;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The test jobs' shape: one ordered source, keyed by document id, into the sink. */
public final class Jobs {
  private Jobs() {}

  /**
   * A rate-limited source of {@code count} events with parallelism 1 (so every id's changes are in
   * order), keyed by id so that each id is written by one sink subtask.
   */
  public static DataStream<Changes.Event> source(
      StreamExecutionEnvironment env,
      GeneratorFunction<Long, Changes.Event> events,
      long count,
      double perSecond) {
    DataGeneratorSource<Changes.Event> source =
        new DataGeneratorSource<>(
            events,
            count,
            RateLimiterStrategy.perSecond(perSecond),
            TypeInformation.of(Changes.Event.class));
    return env.fromSource(source, WatermarkStrategy.noWatermarks(), "changes")
        .setParallelism(1)
        .uid("changes");
  }

  public static void sink(DataStream<Changes.Event> events, ShoalSink<Changes.Event> sink) {
    events.keyBy(Changes.Event::id).sinkTo(sink).uid("shoal");
  }
}
