package dev.shoal.flink.internal;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.Engine;
import dev.shoal.engine.EngineConfig;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.flink.InvalidRecordPolicy;
import dev.shoal.flink.ObjectStoreFactory;
import java.io.Serializable;
import java.time.Duration;

/**
 * The checked, type-independent settings of a sink, shipped to the task managers with it. The
 * builder validates every value; this record only holds them.
 *
 * @param store opens the object store
 * @param namespace the fixed namespace ({@code org/project/ns}), or null when a selector chooses it
 *     per record
 * @param exactlyOnce stage at checkpoints and commit with writer positions (else plain writes)
 * @param sinkUid the sink's stable name, part of its writer ids {@code flink/<sinkUid>/<subtask>}
 * @param batchMaxDocs records per batch (a full batch is sent at once)
 * @param batchMaxBytes approximate bytes per batch
 * @param flushInterval the longest a record waits in an at-least-once batch
 * @param maxRetries attempts after the first for transient store faults
 * @param retryBackoff the first back-off; it doubles (with jitter) up to {@link #MAX_BACKOFF}
 * @param distanceMetric the metric of namespaces the sink creates, or null for the engine's default
 *     (cosine); when set, a namespace with another metric is refused
 * @param invalidRecords what to do with records that cannot be written
 * @param compaction whether the sink's engines compact the namespaces they commit to
 */
public record SinkSettings(
    ObjectStoreFactory store,
    String namespace,
    boolean exactlyOnce,
    String sinkUid,
    int batchMaxDocs,
    long batchMaxBytes,
    Duration flushInterval,
    int maxRetries,
    Duration retryBackoff,
    DistanceMetric distanceMetric,
    InvalidRecordPolicy invalidRecords,
    boolean compaction)
    implements Serializable {

  public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  public SinkSettings {
    requireNonNull(store, "store is null");
    requireNonNull(sinkUid, "sinkUid is null");
    requireNonNull(flushInterval, "flushInterval is null");
    requireNonNull(retryBackoff, "retryBackoff is null");
    requireNonNull(invalidRecords, "invalidRecords is null");
  }

  /** The fixed namespace, parsed, or null. */
  public NamespacePath namespacePath() {
    return namespace == null ? null : NamespacePath.parse(namespace);
  }

  /** The exactly-once writer id of one subtask. */
  public String writerId(int subtask) {
    return "flink/" + sinkUid + "/" + subtask;
  }

  /** Opens the store and an engine over it; the engine owns and closes the store. */
  public Engine openEngine() {
    return Engine.builder()
        .ownedStore(store.open())
        .config(EngineConfig.defaults().toBuilder().autoCompact(compaction).build())
        .build();
  }

  public Retrier retrier() {
    return new Retrier(maxRetries, retryBackoff, MAX_BACKOFF, Retrier.Sleeper.THREAD_SLEEP);
  }
}
