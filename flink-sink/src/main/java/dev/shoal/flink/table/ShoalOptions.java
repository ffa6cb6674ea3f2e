package dev.shoal.flink.table;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The options of a {@code 'connector' = 'shoal'} table (see the module README). */
public final class ShoalOptions {
  private ShoalOptions() {}

  public static final ConfigOption<String> STORE_URI =
      ConfigOptions.key("store.uri")
          .stringType()
          .noDefaultValue()
          .withDescription("Where namespaces live: file:///path or s3://bucket/prefix.");

  public static final ConfigOption<String> NAMESPACE =
      ConfigOptions.key("namespace")
          .stringType()
          .noDefaultValue()
          .withDescription("The namespace rows go to: org/project/namespace.");

  public static final ConfigOption<String> ID_FIELD =
      ConfigOptions.key("id.field")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "The column holding the document id; defaults to the primary key when it is a"
                  + " single column.");

  public static final ConfigOption<String> VECTOR_FIELD =
      ConfigOptions.key("vector.field")
          .stringType()
          .defaultValue("vector")
          .withDescription(
              "The ARRAY<FLOAT> (or ARRAY<DOUBLE>) column holding the dense vector; ignored when"
                  + " the table has no such column.");

  public static final ConfigOption<String> SPARSE_FIELD =
      ConfigOptions.key("sparse.field")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "The column holding the sparse vector: ROW<indices ARRAY<INT>, values ARRAY<FLOAT>>"
                  + " or MAP<INT, FLOAT>.");

  public static final ConfigOption<String> TEXT_FIELDS =
      ConfigOptions.key("text.fields")
          .stringType()
          .noDefaultValue()
          .withDescription("Comma-separated STRING columns that are full-text indexed.");

  public static final ConfigOption<String> DELIVERY_GUARANTEE =
      ConfigOptions.key("sink.delivery-guarantee")
          .stringType()
          .defaultValue("exactly-once")
          .withDescription("exactly-once (needs checkpointing) or at-least-once.");

  public static final ConfigOption<Integer> BATCH_MAX_DOCS =
      ConfigOptions.key("sink.batch.max-docs")
          .intType()
          .defaultValue(1000)
          .withDescription("Records per batch, 1 to 10000.");

  public static final ConfigOption<Long> BATCH_MAX_BYTES =
      ConfigOptions.key("sink.batch.max-bytes")
          .longType()
          .defaultValue(8L << 20)
          .withDescription("Approximate bytes per batch.");

  public static final ConfigOption<Duration> FLUSH_INTERVAL =
      ConfigOptions.key("sink.flush-interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(1))
          .withDescription("The longest a row waits in an at-least-once batch.");

  public static final ConfigOption<Integer> MAX_RETRIES =
      ConfigOptions.key("sink.max-retries")
          .intType()
          .defaultValue(10)
          .withDescription("Retries of a store call after transient faults.");

  public static final ConfigOption<Duration> RETRY_BACKOFF =
      ConfigOptions.key("sink.retry-backoff")
          .durationType()
          .defaultValue(Duration.ofMillis(200))
          .withDescription("The first back-off after a transient fault; it doubles up to 30 s.");

  public static final ConfigOption<String> SINK_UID =
      ConfigOptions.key("sink.uid")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "The sink's stable name in its writer ids flink/<uid>/<subtask>; defaults to the"
                  + " table's name.");

  public static final ConfigOption<Integer> SINK_PARALLELISM =
      ConfigOptions.key("sink.parallelism")
          .intType()
          .noDefaultValue()
          .withDescription("Parallelism of the sink; defaults to the input's.");

  public static final ConfigOption<String> INVALID_RECORDS =
      ConfigOptions.key("sink.invalid-records")
          .stringType()
          .defaultValue("fail")
          .withDescription("fail (the default) or skip rows that cannot be written.");

  public static final ConfigOption<String> DISTANCE_METRIC =
      ConfigOptions.key("namespace.distance-metric")
          .stringType()
          .noDefaultValue()
          .withDescription("cosine, euclidean or dot, for namespaces the sink creates.");

  public static final ConfigOption<String> S3_ENDPOINT =
      ConfigOptions.key("s3.endpoint")
          .stringType()
          .noDefaultValue()
          .withDescription("S3-compatible endpoint URL.");

  public static final ConfigOption<String> S3_REGION =
      ConfigOptions.key("s3.region").stringType().noDefaultValue().withDescription("S3 region.");

  public static final ConfigOption<Boolean> S3_PATH_STYLE_ACCESS =
      ConfigOptions.key("s3.path-style-access")
          .booleanType()
          .noDefaultValue()
          .withDescription("Path-style S3 requests.");

  public static final ConfigOption<String> S3_ACCESS_KEY_ID =
      ConfigOptions.key("s3.access-key-id")
          .stringType()
          .noDefaultValue()
          .withDescription("S3 access key id; the default AWS chain when unset.");

  public static final ConfigOption<String> S3_SECRET_ACCESS_KEY =
      ConfigOptions.key("s3.secret-access-key")
          .stringType()
          .noDefaultValue()
          .withDescription("S3 secret access key.");
}
