package dev.shoal.flink;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.EngineConfig;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.flink.internal.S3Settings;
import dev.shoal.flink.internal.SinkSettings;
import dev.shoal.flink.internal.StoreUri;
import java.time.Duration;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Builds a {@link ShoalSink}. Each setter checks its value at once; {@link #build()} checks that
 * the settings fit together.
 *
 * <p>Required: a store ({@link #storeUri} or {@link #objectStoreFactory}), a namespace ({@link
 * #namespace} or {@link #namespaceSelector}) and a {@link #converter}.
 *
 * @param <T> the stream's record type
 */
public final class ShoalSinkBuilder<T> {
  /** Default of {@link #batchMaxDocs}. */
  public static final int DEFAULT_BATCH_MAX_DOCS = 1000;

  /** Default of {@link #batchMaxBytes}: 8 MiB. */
  public static final long DEFAULT_BATCH_MAX_BYTES = 8L << 20;

  /** Default of {@link #flushInterval}. */
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);

  /** Default of {@link #maxRetries}. */
  public static final int DEFAULT_MAX_RETRIES = 10;

  /** Default of {@link #retryBackoff}. */
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(200);

  /** Default of {@link #sinkUid}. */
  public static final String DEFAULT_SINK_UID = "shoal-sink";

  /** Most records one batch may hold: the engine's limit for one write. */
  public static final int MAX_BATCH_DOCS = EngineConfig.defaults().maxBatchDocs();

  private String storeUri;
  private ObjectStoreFactory storeFactory;
  private S3Settings s3 = S3Settings.NONE;
  private NamespacePath namespace;
  private NamespaceSelector<T> selector;
  private ShoalConverter<T> converter;
  private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.EXACTLY_ONCE;
  private int batchMaxDocs = DEFAULT_BATCH_MAX_DOCS;
  private long batchMaxBytes = DEFAULT_BATCH_MAX_BYTES;
  private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
  private int maxRetries = DEFAULT_MAX_RETRIES;
  private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
  private DistanceMetric distanceMetric;
  private String sinkUid = DEFAULT_SINK_UID;
  private InvalidRecordPolicy invalidRecordPolicy = InvalidRecordPolicy.FAIL;
  private boolean compaction = true;

  ShoalSinkBuilder() {}

  /** Where namespaces live: {@code file:///path} or {@code s3://bucket/prefix}. */
  public ShoalSinkBuilder<T> storeUri(String uri) {
    StoreUri.parse(uri);
    this.storeUri = uri;
    return this;
  }

  /** A custom store instead of {@link #storeUri}; see {@link ObjectStoreFactory}. */
  public ShoalSinkBuilder<T> objectStoreFactory(ObjectStoreFactory factory) {
    this.storeFactory = requireNonNull(factory, "objectStoreFactory is null");
    return this;
  }

  /** S3-compatible endpoint, such as {@code http://127.0.0.1:9000}; {@code s3://} stores only. */
  public ShoalSinkBuilder<T> s3Endpoint(String endpoint) {
    requireNonNull(endpoint, "s3Endpoint is null");
    if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
      throw new IllegalArgumentException(
          "Invalid s3Endpoint \"" + endpoint + "\": expected an http:// or https:// URL");
    }
    s3 = s3.withEndpoint(endpoint);
    return this;
  }

  /** S3 region, such as {@code eu-west-1}; {@code s3://} stores only. */
  public ShoalSinkBuilder<T> s3Region(String region) {
    requireNonNull(region, "s3Region is null");
    if (region.isBlank()) {
      throw new IllegalArgumentException("Invalid s3Region: it is blank");
    }
    s3 = s3.withRegion(region);
    return this;
  }

  /** Path-style requests ({@code endpoint/bucket/key}), which most S3-compatible servers need. */
  public ShoalSinkBuilder<T> s3PathStyleAccess(boolean pathStyle) {
    s3 = s3.withPathStyleAccess(pathStyle);
    return this;
  }

  /**
   * Static S3 credentials; without them the AWS default credentials chain is used. They travel with
   * the job graph: prefer the default chain (instance roles, environment) in production.
   */
  public ShoalSinkBuilder<T> s3Credentials(String accessKeyId, String secretAccessKey) {
    requireNonNull(accessKeyId, "accessKeyId is null");
    requireNonNull(secretAccessKey, "secretAccessKey is null");
    if (accessKeyId.isBlank() || secretAccessKey.isBlank()) {
      throw new IllegalArgumentException("Invalid S3 credentials: the key id or secret is blank");
    }
    s3 = s3.withCredentials(accessKeyId, secretAccessKey);
    return this;
  }

  /** The one namespace every record goes to: {@code org/project/namespace}. */
  public ShoalSinkBuilder<T> namespace(String path) {
    this.namespace = NamespacePath.parse(requireNonNull(path, "namespace is null"));
    return this;
  }

  /** Chooses each record's namespace, instead of a fixed {@link #namespace}. */
  public ShoalSinkBuilder<T> namespaceSelector(NamespaceSelector<T> value) {
    this.selector = requireNonNull(value, "namespaceSelector is null");
    return this;
  }

  /** Turns records into upserts, patches and deletes (see {@link ShoalConverter}). */
  public ShoalSinkBuilder<T> converter(ShoalConverter<T> value) {
    this.converter = requireNonNull(value, "converter is null");
    return this;
  }

  /** {@code EXACTLY_ONCE} (the default; needs checkpointing) or {@code AT_LEAST_ONCE}. */
  public ShoalSinkBuilder<T> deliveryGuarantee(DeliveryGuarantee guarantee) {
    requireNonNull(guarantee, "deliveryGuarantee is null");
    if (guarantee == DeliveryGuarantee.NONE) {
      throw new IllegalArgumentException(
          "Invalid deliveryGuarantee NONE: use AT_LEAST_ONCE (writes as batches fill, retried"
              + " after failures) or EXACTLY_ONCE");
    }
    this.deliveryGuarantee = guarantee;
    return this;
  }

  /** Records per batch, 1 to 10,000 (default 1,000): a full batch is sent at once. */
  public ShoalSinkBuilder<T> batchMaxDocs(int docs) {
    if (docs < 1 || docs > MAX_BATCH_DOCS) {
      throw new IllegalArgumentException(
          "Invalid batchMaxDocs " + docs + ": expected 1 to " + MAX_BATCH_DOCS);
    }
    this.batchMaxDocs = docs;
    return this;
  }

  /** Approximate bytes per batch, 1 KiB to 1 GiB (default 8 MiB). */
  public ShoalSinkBuilder<T> batchMaxBytes(long bytes) {
    if (bytes < 1024 || bytes > (1L << 30)) {
      throw new IllegalArgumentException(
          "Invalid batchMaxBytes " + bytes + ": expected 1024 to " + (1L << 30));
    }
    this.batchMaxBytes = bytes;
    return this;
  }

  /**
   * The longest a record waits in an at-least-once batch before it is written (default 1 s). With
   * exactly-once, records become visible at checkpoints instead.
   */
  public ShoalSinkBuilder<T> flushInterval(Duration interval) {
    requireNonNull(interval, "flushInterval is null");
    if (interval.toMillis() < 1 || interval.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "Invalid flushInterval " + interval + ": expected 1 ms to 1 hour");
    }
    this.flushInterval = interval;
    return this;
  }

  /** Retries of a store call after transient faults, 0 to 100 (default 10). */
  public ShoalSinkBuilder<T> maxRetries(int retries) {
    if (retries < 0 || retries > 100) {
      throw new IllegalArgumentException("Invalid maxRetries " + retries + ": expected 0 to 100");
    }
    this.maxRetries = retries;
    return this;
  }

  /** The first back-off after a transient fault (default 200 ms); it doubles up to 30 s. */
  public ShoalSinkBuilder<T> retryBackoff(Duration backoff) {
    requireNonNull(backoff, "retryBackoff is null");
    if (backoff.toMillis() < 1 || backoff.compareTo(SinkSettings.MAX_BACKOFF) > 0) {
      throw new IllegalArgumentException(
          "Invalid retryBackoff " + backoff + ": expected 1 ms to " + SinkSettings.MAX_BACKOFF);
    }
    this.retryBackoff = backoff;
    return this;
  }

  /**
   * The distance metric of namespaces the sink creates. When set, writing to an existing namespace
   * with another metric fails; when not set, new namespaces use cosine.
   */
  public ShoalSinkBuilder<T> distanceMetric(DistanceMetric metric) {
    this.distanceMetric = requireNonNull(metric, "distanceMetric is null");
    return this;
  }

  /**
   * A stable name for this sink (default {@value #DEFAULT_SINK_UID}): its exactly-once writer ids
   * are {@code flink/<sinkUid>/<subtask>}. Keep it across restarts and upgrades of the job, and
   * give every exactly-once sink that writes the same namespaces its own.
   */
  public ShoalSinkBuilder<T> sinkUid(String uid) {
    requireNonNull(uid, "sinkUid is null");
    if (!uid.matches("[A-Za-z0-9._-]{1,128}")) {
      throw new IllegalArgumentException(
          "Invalid sinkUid \"" + uid + "\": expected 1 to 128 of A-Z a-z 0-9 . _ -");
    }
    this.sinkUid = uid;
    return this;
  }

  /** What to do with records that cannot be written (default {@link InvalidRecordPolicy#FAIL}). */
  public ShoalSinkBuilder<T> invalidRecordPolicy(InvalidRecordPolicy policy) {
    this.invalidRecordPolicy = requireNonNull(policy, "invalidRecordPolicy is null");
    return this;
  }

  /**
   * Whether the sink compacts the namespaces it commits to, in the background on the task managers
   * (default true). Turn it off when another process (a query server) compacts them.
   */
  public ShoalSinkBuilder<T> compaction(boolean enabled) {
    this.compaction = enabled;
    return this;
  }

  /**
   * Checks that the settings fit together and builds the sink.
   *
   * @throws IllegalStateException naming the first missing or conflicting setting
   */
  public ShoalSink<T> build() {
    if (storeUri == null && storeFactory == null) {
      throw new IllegalStateException("Cannot build ShoalSink: set storeUri (file:// or s3://)");
    }
    if (storeUri != null && storeFactory != null) {
      throw new IllegalStateException(
          "Cannot build ShoalSink: set storeUri or objectStoreFactory, not both");
    }
    if (!s3.isEmpty() && (storeUri == null || !storeUri.startsWith("s3:"))) {
      throw new IllegalStateException(
          "Cannot build ShoalSink: S3 options are set but the store is "
              + (storeUri == null ? "a custom factory" : storeUri)
              + ", not an s3:// URI");
    }
    if (namespace == null && selector == null) {
      throw new IllegalStateException("Cannot build ShoalSink: set namespace or namespaceSelector");
    }
    if (namespace != null && selector != null) {
      throw new IllegalStateException(
          "Cannot build ShoalSink: set namespace or namespaceSelector, not both");
    }
    if (converter == null) {
      throw new IllegalStateException(
          "Cannot build ShoalSink: set a converter (record -> ShoalWrite.upsert/patch/delete)");
    }
    SinkSettings settings =
        new SinkSettings(
            storeFactory != null ? storeFactory : new StoreUri(storeUri, s3),
            namespace == null ? null : namespace.toString(),
            deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE,
            sinkUid,
            batchMaxDocs,
            batchMaxBytes,
            flushInterval,
            maxRetries,
            retryBackoff,
            distanceMetric,
            invalidRecordPolicy,
            compaction);
    return new ShoalSink<>(settings, converter, selector);
  }
}
