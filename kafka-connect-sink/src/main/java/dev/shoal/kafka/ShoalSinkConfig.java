package dev.shoal.kafka;

import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.kafka.mapping.NamespaceTemplate;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The sink's configuration: every {@code shoal.*} key of API.md, with types, defaults, validators,
 * groups and documentation (the configuration reference is generated from {@link #CONFIG_DEF}).
 *
 * <p>Constructing it checks each value ({@link ConfigDef} validators) and then the rules that span
 * several keys ({@link #crossCheck}), throwing a {@link ConfigException} that names the key, the
 * value and what would be accepted. Immutable once built.
 */
public final class ShoalSinkConfig extends AbstractConfig {

  // Groups, in the order the reference lists them.
  static final String GROUP_STORE = "Store";
  static final String GROUP_ROUTING = "Routing";
  static final String GROUP_MAPPING = "Mapping";
  static final String GROUP_WRITES = "Writes";
  static final String GROUP_BATCHING = "Batching";
  static final String GROUP_RETRIES = "Retries";
  static final String GROUP_EXACTLY_ONCE = "Exactly once";

  public static final String STORE_URI = "shoal.store.uri";
  public static final String S3_ENDPOINT = "shoal.s3.endpoint";
  public static final String S3_REGION = "shoal.s3.region";
  public static final String S3_PATH_STYLE_ACCESS = "shoal.s3.path.style.access";
  public static final String S3_ACCESS_KEY_ID = "shoal.s3.access.key.id";
  public static final String S3_SECRET_ACCESS_KEY = "shoal.s3.secret.access.key";

  public static final String NAMESPACE = "shoal.namespace";
  public static final String NAMESPACE_DISTANCE_METRIC = "shoal.namespace.distance.metric";

  public static final String ID_SOURCE = "shoal.id.source";
  public static final String ID_FIELD = "shoal.id.field";
  public static final String VECTOR_FIELD = "shoal.vector.field";
  public static final String SPARSE_FIELD = "shoal.sparse.field";
  public static final String TEXT_FIELDS = "shoal.text.fields";
  public static final String ATTRS_INCLUDE = "shoal.attrs.include";
  public static final String ATTRS_EXCLUDE = "shoal.attrs.exclude";

  public static final String WRITE_MODE = "shoal.write.mode";
  public static final String DELETE_ON_NULL = "shoal.delete.on.null";
  public static final String CDC_FORMAT = "shoal.cdc.format";
  public static final String COMPACTION_ENABLED = "shoal.compaction.enabled";

  public static final String BATCH_MAX_DOCS = "shoal.batch.max.docs";
  public static final String BATCH_MAX_BYTES = "shoal.batch.max.bytes";
  public static final String FLUSH_INTERVAL_MS = "shoal.flush.interval.ms";
  public static final String BUFFER_MAX_BYTES = "shoal.buffer.max.bytes";

  public static final String RETRY_MAX = "shoal.retry.max";
  public static final String RETRY_BACKOFF_MS = "shoal.retry.backoff.ms";

  public static final String EXACTLY_ONCE = "shoal.exactly.once";

  /** Set by the connector on each task's configuration: the task's number, for metric names. */
  public static final String TASK_ID = "shoal.task.id";

  /** Where the document id comes from. */
  public enum IdSource {
    KEY,
    FIELD,
    HEADER,
    KAFKA;

    String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a record's value is applied. */
  public enum WriteMode {
    UPSERT,
    PATCH
  }

  /** The envelope records come in. */
  public enum CdcFormat {
    NONE,
    DEBEZIUM
  }

  public static final ConfigDef CONFIG_DEF = buildConfigDef();

  private final NamespaceTemplate namespaceTemplate;

  /**
   * Parses and checks a configuration.
   *
   * @throws ConfigException naming the first key whose value is wrong
   */
  public ShoalSinkConfig(Map<String, String> props) {
    this(props, true);
  }

  private ShoalSinkConfig(Map<String, String> props, boolean crossCheck) {
    super(CONFIG_DEF, props, false);
    this.namespaceTemplate = NamespaceTemplate.parse(getString(NAMESPACE));
    if (crossCheck) {
      crossCheck();
    }
  }

  /**
   * Parses a configuration whose single values are valid without applying the rules spanning keys,
   * so that {@link #problems()} can list all of them at once.
   */
  static ShoalSinkConfig withoutCrossChecks(Map<String, String> props) {
    return new ShoalSinkConfig(props, false);
  }

  private static ConfigDef buildConfigDef() {
    ConfigDef def = new ConfigDef();
    int order = 0;
    def.define(
            STORE_URI,
            Type.STRING,
            ConfigDef.NO_DEFAULT_VALUE,
            new StoreUriValidator(),
            Importance.HIGH,
            "Where the namespaces live: file:///absolute/folder for a local or mounted file system,"
                + " or s3://bucket/optional/prefix for S3 or an S3-compatible store.",
            GROUP_STORE,
            ++order,
            Width.LONG,
            "Store URI")
        .define(
            S3_ENDPOINT,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Endpoint of an S3-compatible store, such as http://minio:9000. Empty: the AWS"
                + " endpoint of the region.",
            GROUP_STORE,
            ++order,
            Width.LONG,
            "S3 endpoint")
        .define(
            S3_REGION,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "S3 region. Empty: the AWS SDK's default region chain (AWS_REGION, profile, instance"
                + " metadata).",
            GROUP_STORE,
            ++order,
            Width.SHORT,
            "S3 region")
        .define(
            S3_PATH_STYLE_ACCESS,
            Type.BOOLEAN,
            false,
            Importance.LOW,
            "Address buckets as endpoint/bucket instead of bucket.endpoint; most S3-compatible"
                + " servers need it.",
            GROUP_STORE,
            ++order,
            Width.SHORT,
            "S3 path-style access")
        .define(
            S3_ACCESS_KEY_ID,
            Type.PASSWORD,
            null,
            Importance.MEDIUM,
            "S3 access key id. Unset: the AWS SDK's default credentials chain (environment,"
                + " profile, container or instance role).",
            GROUP_STORE,
            ++order,
            Width.MEDIUM,
            "S3 access key id")
        .define(
            S3_SECRET_ACCESS_KEY,
            Type.PASSWORD,
            null,
            Importance.MEDIUM,
            "S3 secret access key, set together with " + S3_ACCESS_KEY_ID + ".",
            GROUP_STORE,
            ++order,
            Width.MEDIUM,
            "S3 secret access key");

    order = 0;
    def.define(
            NAMESPACE,
            Type.STRING,
            ConfigDef.NO_DEFAULT_VALUE,
            new NamespaceTemplateValidator(),
            Importance.HIGH,
            "Namespace each record is written to, as a template of org/project/namespace, such as"
                + " acme/search/${topic}. Placeholders: ${topic} (the record's topic, after"
                + " transformations), ${key} (the record key), ${field:<name>} (a top-level value"
                + " field; of 'after' for Debezium) and ${header:<name>}. A record whose expansion"
                + " is not a valid path is rejected (see errors.tolerance). Namespaces are created"
                + " on first use.",
            GROUP_ROUTING,
            ++order,
            Width.LONG,
            "Namespace template")
        .define(
            NAMESPACE_DISTANCE_METRIC,
            Type.STRING,
            "cosine",
            OneOf.of("cosine", "euclidean", "dot"),
            Importance.MEDIUM,
            "Distance metric of namespaces the connector creates; an existing namespace keeps its"
                + " own.",
            GROUP_ROUTING,
            ++order,
            Width.SHORT,
            "Distance metric");

    order = 0;
    def.define(
            ID_SOURCE,
            Type.STRING,
            "key",
            OneOf.of("key", "field", "header", "kafka"),
            Importance.HIGH,
            "Where the document id comes from: 'key' (the record key: a string, an integer, or a"
                + " struct or map with exactly one field), 'field' (the value field named by "
                + ID_FIELD
                + "), 'header' (the header named by "
                + ID_FIELD
                + "), or 'kafka' (topic+partition+offset, of the original topic; such documents"
                + " are never updated or deleted). An id that is missing, empty, longer than 256"
                + " bytes of UTF-8 or of an unsupported type rejects the record; ids are never"
                + " hashed.",
            GROUP_MAPPING,
            ++order,
            Width.SHORT,
            "Id source")
        .define(
            ID_FIELD,
            Type.STRING,
            "",
            Importance.HIGH,
            "The value field ("
                + ID_SOURCE
                + "=field) or header ("
                + ID_SOURCE
                + "=header) that"
                + " holds the document id.",
            GROUP_MAPPING,
            ++order,
            Width.MEDIUM,
            "Id field or header")
        .define(
            VECTOR_FIELD,
            Type.STRING,
            "vector",
            Importance.HIGH,
            "Value field holding the dense vector: an array of numbers. A record without it is"
                + " stored without a vector; a non-numeric element, a non-finite value or a"
                + " dimension other than the namespace's rejects the record. Empty: no dense"
                + " vector.",
            GROUP_MAPPING,
            ++order,
            Width.MEDIUM,
            "Vector field")
        .define(
            SPARSE_FIELD,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Value field holding a sparse vector, an object {\"indices\": [int...], \"values\":"
                + " [number...]}. Empty: none.",
            GROUP_MAPPING,
            ++order,
            Width.MEDIUM,
            "Sparse vector field")
        .define(
            TEXT_FIELDS,
            Type.LIST,
            "",
            Importance.MEDIUM,
            "Comma-separated value fields indexed for full-text search (BM25). Their values must"
                + " be strings.",
            GROUP_MAPPING,
            ++order,
            Width.LONG,
            "Text fields")
        .define(
            ATTRS_INCLUDE,
            Type.LIST,
            "",
            Importance.MEDIUM,
            "Comma-separated value fields stored as filterable attributes. Empty: every field that"
                + " is not the id, vector, sparse vector or a text field. Nested structs and maps"
                + " become dotted names (address.city); a field named 'id' is never an attribute.",
            GROUP_MAPPING,
            ++order,
            Width.LONG,
            "Attribute fields")
        .define(
            ATTRS_EXCLUDE,
            Type.LIST,
            "",
            Importance.LOW,
            "Comma-separated value fields never stored as attributes (applied after "
                + ATTRS_INCLUDE
                + ").",
            GROUP_MAPPING,
            ++order,
            Width.LONG,
            "Excluded attribute fields");

    order = 0;
    def.define(
            WRITE_MODE,
            Type.STRING,
            "upsert",
            OneOf.of("upsert", "patch"),
            Importance.HIGH,
            "'upsert' replaces the whole document; 'patch' merges the record's fields into the"
                + " stored document (a null field removes the attribute, a patch of a missing"
                + " document changes nothing).",
            GROUP_WRITES,
            ++order,
            Width.SHORT,
            "Write mode")
        .define(
            DELETE_ON_NULL,
            Type.BOOLEAN,
            true,
            Importance.MEDIUM,
            "Whether a record with a null value (a tombstone) deletes the document with its id."
                + " When false, tombstones are skipped.",
            GROUP_WRITES,
            ++order,
            Width.SHORT,
            "Delete on tombstone")
        .define(
            CDC_FORMAT,
            Type.STRING,
            "none",
            OneOf.of("none", "debezium"),
            Importance.MEDIUM,
            "'debezium': values are Debezium change events; op=d deletes (id from the key, or from"
                + " 'before' with "
                + ID_SOURCE
                + "=field), op=c/r/u writes 'after' as the document, truncate and schema events are"
                + " skipped. 'none': the value is the document.",
            GROUP_WRITES,
            ++order,
            Width.SHORT,
            "Change-data-capture format")
        .define(
            COMPACTION_ENABLED,
            Type.BOOLEAN,
            true,
            Importance.LOW,
            "Whether the connector also compacts the namespaces it writes (folds their write-ahead"
                + " batches into indexed segments, in the background). Compaction is CPU-heavy: on"
                + " a busy worker, turn it off and compact elsewhere (the query server's POST"
                + " .../compact, or a scheduled job), or queries scan an ever longer unindexed tail.",
            GROUP_WRITES,
            ++order,
            Width.SHORT,
            "Compact namespaces");

    order = 0;
    def.define(
            BATCH_MAX_DOCS,
            Type.INT,
            1000,
            ConfigDef.Range.between(1, 10_000),
            Importance.MEDIUM,
            "A namespace's buffer for one partition is written once it holds this many distinct"
                + " documents.",
            GROUP_BATCHING,
            ++order,
            Width.SHORT,
            "Batch documents")
        .define(
            BATCH_MAX_BYTES,
            Type.LONG,
            8L << 20,
            ConfigDef.Range.between(1024L, 1L << 30),
            Importance.MEDIUM,
            "A namespace's buffer for one partition is written once its estimated size reaches"
                + " this many bytes.",
            GROUP_BATCHING,
            ++order,
            Width.SHORT,
            "Batch bytes")
        .define(
            FLUSH_INTERVAL_MS,
            Type.LONG,
            1000L,
            ConfigDef.Range.between(1L, 3_600_000L),
            Importance.MEDIUM,
            "A non-empty buffer is written at the latest this long after its first record"
                + " arrived.",
            GROUP_BATCHING,
            ++order,
            Width.SHORT,
            "Flush interval (ms)")
        .define(
            BUFFER_MAX_BYTES,
            Type.LONG,
            null,
            new OptionalRange(1024L, 16L << 30),
            Importance.LOW,
            "When a task's buffered and in-flight data pass this many bytes (estimated), it pauses"
                + " its partitions (instead of growing memory) and resumes them once writes have"
                + " brought it under half of this. Unset: the larger of 16 MiB and twice "
                + BATCH_MAX_BYTES
                + ". If set, at least "
                + BATCH_MAX_BYTES
                + ".",
            GROUP_BATCHING,
            ++order,
            Width.SHORT,
            "Buffer bound (bytes)");

    order = 0;
    def.define(
            RETRY_MAX,
            Type.INT,
            10,
            ConfigDef.Range.between(0, 100),
            Importance.LOW,
            "How many times a store call that failed with a transient error is retried before"
                + " the task reports a RetriableException to the worker (which redelivers and"
                + " retries again). Retries also stop at a time budget: writes, retried in the"
                + " background, after half of consumer.override.max.poll.interval.ms (5 minutes"
                + " if unset); claims and namespace reads, which block put() and open(), after 30 s"
                + " per call in total (less if half of that override is less), since the worker's"
                + " own consumer.max.poll.interval.ms is invisible to the connector.",
            GROUP_RETRIES,
            ++order,
            Width.SHORT,
            "Retries")
        .define(
            RETRY_BACKOFF_MS,
            Type.LONG,
            200L,
            ConfigDef.Range.between(1L, 60_000L),
            Importance.LOW,
            "Wait before the first retry; each next wait doubles, is capped at 30 s, and is"
                + " drawn at random between half and all of that (jitter).",
            GROUP_RETRIES,
            ++order,
            Width.SHORT,
            "Retry back-off (ms)");

    order = 0;
    def.define(
        EXACTLY_ONCE,
        Type.BOOLEAN,
        true,
        Importance.HIGH,
        "Exactly-once delivery: every write commits the partition's offset in the namespace, in"
            + " the same atomic commit as the documents, and a restarted or rebalanced task skips"
            + " what is already there and fences older instances. When false, delivery is"
            + " at-least-once (a replay rewrites the same documents).",
        GROUP_EXACTLY_ONCE,
        ++order,
        Width.SHORT,
        "Exactly once");

    def.defineInternal(TASK_ID, Type.STRING, "0", Importance.LOW);
    return def;
  }

  // ---------------------------------------------------------------------------------------------
  // Cross-key rules

  private void crossCheck() {
    List<Problem> problems = problems();
    if (!problems.isEmpty()) {
      Problem p = problems.get(0);
      throw new ConfigException(p.key(), p.value(), p.message());
    }
  }

  /** A rule spanning several keys that the values break, reported against {@code key}. */
  public record Problem(String key, Object value, String message) {}

  /** Every cross-key rule the configuration breaks (the connector's validate() lists them all). */
  public List<Problem> problems() {
    List<Problem> out = new ArrayList<>();
    IdSource source = idSource();
    if ((source == IdSource.FIELD || source == IdSource.HEADER) && idField().isEmpty()) {
      out.add(
          new Problem(
              ID_FIELD,
              "",
              "Cannot use "
                  + ID_SOURCE
                  + "="
                  + source.configName()
                  + " without naming the "
                  + (source == IdSource.FIELD ? "field" : "header")
                  + " that holds the id"));
    }
    if (!vectorField().isEmpty() && vectorField().equals(sparseField())) {
      out.add(
          new Problem(
              SPARSE_FIELD,
              sparseField(),
              "Cannot use one field as both the vector and the sparse vector"));
    }
    for (String text : textFields()) {
      if (text.equals(vectorField()) || text.equals(sparseField())) {
        out.add(
            new Problem(
                TEXT_FIELDS, text, "Cannot use the vector or sparse vector field as a text field"));
      }
    }
    if (source == IdSource.FIELD && !idField().isEmpty() && idField().equals(vectorField())) {
      out.add(new Problem(ID_FIELD, idField(), "Cannot use the vector field as the id field"));
    }
    Long bufferBound = getLong(BUFFER_MAX_BYTES);
    if (bufferBound != null && bufferBound < batchMaxBytes()) {
      out.add(
          new Problem(
              BUFFER_MAX_BYTES,
              bufferBound,
              "Cannot buffer less than one batch: it must be at least "
                  + BATCH_MAX_BYTES
                  + " ("
                  + batchMaxBytes()
                  + ")"));
    }
    if ((getPassword(S3_ACCESS_KEY_ID) == null) != (getPassword(S3_SECRET_ACCESS_KEY) == null)) {
      out.add(
          new Problem(
              getPassword(S3_ACCESS_KEY_ID) == null ? S3_ACCESS_KEY_ID : S3_SECRET_ACCESS_KEY,
              "[hidden]",
              "Cannot use static S3 credentials with only one of "
                  + S3_ACCESS_KEY_ID
                  + " and "
                  + S3_SECRET_ACCESS_KEY
                  + " set: set both, or neither for the default credentials chain"));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Typed accessors

  public String storeUri() {
    return getString(STORE_URI).trim();
  }

  public String s3Endpoint() {
    return getString(S3_ENDPOINT).trim();
  }

  public String s3Region() {
    return getString(S3_REGION).trim();
  }

  public boolean s3PathStyleAccess() {
    return getBoolean(S3_PATH_STYLE_ACCESS);
  }

  /** The static access key id, or null for the default credentials chain. */
  public String s3AccessKeyId() {
    Password p = getPassword(S3_ACCESS_KEY_ID);
    return p == null ? null : p.value();
  }

  /** The static secret key, or null for the default credentials chain. */
  public String s3SecretAccessKey() {
    Password p = getPassword(S3_SECRET_ACCESS_KEY);
    return p == null ? null : p.value();
  }

  public NamespaceTemplate namespaceTemplate() {
    return namespaceTemplate;
  }

  public DistanceMetric distanceMetric() {
    return DistanceMetric.parse(getString(NAMESPACE_DISTANCE_METRIC).trim());
  }

  public IdSource idSource() {
    return IdSource.valueOf(getString(ID_SOURCE).trim().toUpperCase(Locale.ROOT));
  }

  public String idField() {
    return getString(ID_FIELD).trim();
  }

  public String vectorField() {
    return getString(VECTOR_FIELD).trim();
  }

  public String sparseField() {
    return getString(SPARSE_FIELD).trim();
  }

  public List<String> textFields() {
    return trimmed(getList(TEXT_FIELDS));
  }

  public List<String> attrsInclude() {
    return trimmed(getList(ATTRS_INCLUDE));
  }

  public List<String> attrsExclude() {
    return trimmed(getList(ATTRS_EXCLUDE));
  }

  public WriteMode writeMode() {
    return WriteMode.valueOf(getString(WRITE_MODE).trim().toUpperCase(Locale.ROOT));
  }

  public boolean deleteOnNull() {
    return getBoolean(DELETE_ON_NULL);
  }

  public CdcFormat cdcFormat() {
    return CdcFormat.valueOf(getString(CDC_FORMAT).trim().toUpperCase(Locale.ROOT));
  }

  public boolean compactionEnabled() {
    return getBoolean(COMPACTION_ENABLED);
  }

  public int batchMaxDocs() {
    return getInt(BATCH_MAX_DOCS);
  }

  public long batchMaxBytes() {
    return getLong(BATCH_MAX_BYTES);
  }

  public long flushIntervalMs() {
    return getLong(FLUSH_INTERVAL_MS);
  }

  /** Default buffer bound when {@link #BUFFER_MAX_BYTES} is not set and batches are small. */
  public static final long DEFAULT_BUFFER_MAX_BYTES = 16L << 20;

  /**
   * The buffer bound: {@link #BUFFER_MAX_BYTES} if set, else the larger of 16 MiB and two batches
   * of {@link #BATCH_MAX_BYTES} (so a larger batch size alone never fails the configuration).
   */
  public long bufferMaxBytes() {
    Long set = getLong(BUFFER_MAX_BYTES);
    if (set != null) {
      return set;
    }
    return Math.max(DEFAULT_BUFFER_MAX_BYTES, 2 * batchMaxBytes());
  }

  public int retryMax() {
    return getInt(RETRY_MAX);
  }

  public long retryBackoffMs() {
    return getLong(RETRY_BACKOFF_MS);
  }

  public boolean exactlyOnce() {
    return getBoolean(EXACTLY_ONCE);
  }

  public String taskId() {
    return getString(TASK_ID);
  }

  /** The Connect-level settings the sink also reads (connector name, error tolerance, ...). */
  public String connectorName() {
    Object name = originals().get("name");
    return name == null || name.toString().isBlank() ? "shoal-sink" : name.toString();
  }

  /** Whether {@code errors.tolerance=all}: rejected records are skipped rather than fatal. */
  public boolean toleratesErrors() {
    Object tolerance = originals().get("errors.tolerance");
    return tolerance != null && tolerance.toString().trim().equalsIgnoreCase("all");
  }

  /**
   * The consumer's {@code max.poll.interval.ms} as far as the connector can see it ({@code
   * consumer.override.max.poll.interval.ms}, else Kafka's default of five minutes). Retries that
   * block the task thread stay well below it, or the consumer would leave the group.
   */
  public long maxPollIntervalMs() {
    Object value = originals().get("consumer.override.max.poll.interval.ms");
    if (value != null) {
      try {
        return Long.parseLong(value.toString().trim());
      } catch (NumberFormatException e) {
        // The worker rejects it first; fall back to the default here.
      }
    }
    return 300_000L;
  }

  /** A copy of the original properties, for handing to tasks. */
  public Map<String, String> originalProps() {
    return new LinkedHashMap<>(originalsStrings());
  }

  private static List<String> trimmed(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      if (!v.isBlank()) {
        out.add(v.trim());
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Validators

  /** Accepts {@code file:///absolute/path} and {@code s3://bucket[/prefix]}. */
  static final class StoreUriValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null || value.toString().isBlank()) {
        throw new ConfigException(name, value, "Cannot open a store: no URI given");
      }
      String text = value.toString().trim();
      URI uri;
      try {
        uri = new URI(text);
      } catch (URISyntaxException e) {
        throw new ConfigException(name, text, "Cannot parse the store URI: " + e.getReason());
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      switch (scheme) {
        case "file" -> {
          if (uri.getPath() == null || !uri.getPath().startsWith("/")) {
            throw new ConfigException(
                name, text, "Cannot use a relative file URI: write file:///absolute/folder");
          }
        }
        case "s3" -> {
          if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new ConfigException(
                name, text, "Cannot use an S3 URI without a bucket: write s3://bucket/prefix");
          }
        }
        default ->
            throw new ConfigException(
                name,
                text,
                "Cannot open a store with scheme '"
                    + scheme
                    + "': use file:///absolute/folder or s3://bucket/prefix");
      }
    }

    @Override
    public String toString() {
      return "file:///absolute/folder or s3://bucket[/prefix]";
    }
  }

  /** A long within bounds, or unset (null). */
  static final class OptionalRange implements ConfigDef.Validator {
    private final ConfigDef.Range range;

    OptionalRange(long min, long max) {
      this.range = ConfigDef.Range.between(min, max);
    }

    @Override
    public void ensureValid(String name, Object value) {
      if (value != null) {
        range.ensureValid(name, value);
      }
    }

    @Override
    public String toString() {
      return range + " or unset";
    }
  }

  /** One of a few names, ignoring case; lists them in a stable order. */
  static final class OneOf implements ConfigDef.Validator {
    private final List<String> names;

    private OneOf(List<String> names) {
      this.names = names;
    }

    static OneOf of(String... names) {
      return new OneOf(List.of(names));
    }

    @Override
    public void ensureValid(String name, Object value) {
      String text = value == null ? null : value.toString().trim().toLowerCase(Locale.ROOT);
      if (text == null || !names.contains(text)) {
        throw new ConfigException(name, value, "Cannot accept it: use one of " + this);
      }
    }

    @Override
    public String toString() {
      return String.join(", ", names);
    }
  }

  /** Checks the namespace template's syntax and literal parts. */
  static final class NamespaceTemplateValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null) {
        throw new ConfigException(name, null, "Cannot route records: no namespace template");
      }
      try {
        NamespaceTemplate.parse(value.toString());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, value, e.getMessage());
      }
    }

    @Override
    public String toString() {
      return "org/project/namespace with ${topic}, ${key}, ${field:<name>}, ${header:<name>}";
    }
  }

  /** The keys that belong to each group, in definition order (for docs and tests). */
  static Map<String, List<String>> keysByGroup() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String group : CONFIG_DEF.groups()) {
      out.put(group, new ArrayList<>());
    }
    for (ConfigDef.ConfigKey key : CONFIG_DEF.configKeys().values()) {
      if (!key.internalConfig && key.group != null && out.containsKey(key.group)) {
        out.get(key.group).add(key.name);
      }
    }
    return out;
  }

  /** Every public key, for tests that check API.md's list is implemented. */
  static List<String> publicKeys() {
    List<String> keys = new ArrayList<>();
    for (ConfigDef.ConfigKey key : CONFIG_DEF.configKeys().values()) {
      if (!key.internalConfig) {
        keys.add(key.name);
      }
    }
    return keys;
  }
}
