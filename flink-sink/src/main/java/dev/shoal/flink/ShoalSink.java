package dev.shoal.flink;

import static java.util.Objects.requireNonNull;

import dev.shoal.flink.committer.ShoalCommittable;
import dev.shoal.flink.committer.ShoalCommittableSerializer;
import dev.shoal.flink.committer.ShoalCommitter;
import dev.shoal.flink.internal.SinkSettings;
import dev.shoal.flink.writer.ShoalSinkWriter;
import dev.shoal.flink.writer.ShoalWriterState;
import dev.shoal.flink.writer.ShoalWriterStateSerializer;
import java.util.Collection;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink sink (Sink V2) that writes documents into Shoal namespaces, exactly once at checkpoints
 * or at least once.
 *
 * <pre>{@code
 * ShoalSink<MyDoc> sink = ShoalSink.<MyDoc>builder()
 *     .storeUri("s3://bucket/prefix")
 *     .namespace("acme/search/docs")
 *     .converter(doc -> ShoalWrite.upsert(new Document(doc.id, doc.embedding, null, Map.of(), Map.of())))
 *     .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
 *     .build();
 * stream.sinkTo(sink);
 * }</pre>
 *
 * <p>Exactly-once: each writer subtask stages its batches as WAL objects that nobody sees, and the
 * committer commits them when the checkpoint completes, together with the writer position of writer
 * id {@code flink/<sinkUid>/<subtask>} in one manifest swap (see {@link ShoalSinkWriter} and {@link
 * ShoalCommitter}). Checkpointing must be enabled: without it nothing is committed before the end
 * of a bounded input.
 *
 * <p>At-least-once: batches are written as they fill (or after {@code flushInterval}) and every
 * checkpoint waits for them; a replay after a failure writes some changes again, which leaves keyed
 * upserts and deletes exact.
 *
 * @param <T> the stream's record type
 */
public final class ShoalSink<T>
    implements Sink<T>,
        SupportsWriterState<T, ShoalWriterState>,
        SupportsCommitter<ShoalCommittable> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ShoalSink.class);

  private final SinkSettings settings;
  private final ShoalConverter<T> converter;
  private final NamespaceSelector<T> selector;

  ShoalSink(SinkSettings settings, ShoalConverter<T> converter, NamespaceSelector<T> selector) {
    this.settings = requireNonNull(settings, "settings is null");
    this.converter = requireNonNull(converter, "converter is null");
    this.selector = selector;
  }

  /** Starts a builder; see {@link ShoalSinkBuilder} for every setting. */
  public static <T> ShoalSinkBuilder<T> builder() {
    return new ShoalSinkBuilder<>();
  }

  /** The checked settings this sink was built with. */
  public SinkSettings settings() {
    return settings;
  }

  @Override
  public ShoalSinkWriter<T> createWriter(WriterInitContext context) {
    return restoreWriter(context, java.util.List.of());
  }

  @Override
  public ShoalSinkWriter<T> restoreWriter(
      WriterInitContext context, Collection<ShoalWriterState> recoveredState) {
    int subtask = context.getTaskInfo().getIndexOfThisSubtask();
    if (!recoveredState.isEmpty()) {
      LOG.info(
          "Sink {} subtask {} restores from checkpoint {} with the state of {}",
          settings.sinkUid(),
          subtask,
          context.getRestoredCheckpointId(),
          recoveredState);
    }
    return new ShoalSinkWriter<>(
        settings,
        converter,
        selector,
        settings.openEngine(),
        subtask,
        context.getRestoredCheckpointId().orElse(0),
        context.getProcessingTimeService(),
        context.metricGroup());
  }

  @Override
  public SimpleVersionedSerializer<ShoalWriterState> getWriterStateSerializer() {
    return new ShoalWriterStateSerializer();
  }

  @Override
  public Committer<ShoalCommittable> createCommitter(CommitterInitContext context) {
    return new ShoalCommitter(
        settings, settings.openEngine(), settings.retrier(), context.metricGroup());
  }

  @Override
  public SimpleVersionedSerializer<ShoalCommittable> getCommittableSerializer() {
    return new ShoalCommittableSerializer();
  }
}
