package dev.shoal.flink.table;

import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.flink.InvalidRecordPolicy;
import dev.shoal.flink.ShoalSink;
import dev.shoal.flink.ShoalSinkBuilder;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UniqueConstraint;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.RowType;

/**
 * Creates {@code 'connector' = 'shoal'} table sinks. Options are checked here, once, with the
 * builder's own checks; an error names the option and the table.
 */
public final class ShoalDynamicTableSinkFactory implements DynamicTableSinkFactory {
  public static final String IDENTIFIER = "shoal";

  @Override
  public String factoryIdentifier() {
    return IDENTIFIER;
  }

  @Override
  public Set<ConfigOption<?>> requiredOptions() {
    return Set.of(ShoalOptions.STORE_URI, ShoalOptions.NAMESPACE);
  }

  @Override
  public Set<ConfigOption<?>> optionalOptions() {
    return Set.of(
        ShoalOptions.ID_FIELD,
        ShoalOptions.VECTOR_FIELD,
        ShoalOptions.SPARSE_FIELD,
        ShoalOptions.TEXT_FIELDS,
        ShoalOptions.DELIVERY_GUARANTEE,
        ShoalOptions.BATCH_MAX_DOCS,
        ShoalOptions.BATCH_MAX_BYTES,
        ShoalOptions.FLUSH_INTERVAL,
        ShoalOptions.MAX_RETRIES,
        ShoalOptions.RETRY_BACKOFF,
        ShoalOptions.SINK_UID,
        ShoalOptions.SINK_PARALLELISM,
        ShoalOptions.INVALID_RECORDS,
        ShoalOptions.DISTANCE_METRIC,
        ShoalOptions.S3_ENDPOINT,
        ShoalOptions.S3_REGION,
        ShoalOptions.S3_PATH_STYLE_ACCESS,
        ShoalOptions.S3_ACCESS_KEY_ID,
        ShoalOptions.S3_SECRET_ACCESS_KEY);
  }

  @Override
  public DynamicTableSink createDynamicTableSink(Context context) {
    FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
    helper.validate();
    ReadableConfig options = helper.getOptions();
    String table = context.getObjectIdentifier().asSummaryString();
    try {
      return create(
          options,
          context.getCatalogTable().getResolvedSchema(),
          context.getObjectIdentifier().getObjectName());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new org.apache.flink.table.api.ValidationException(
          "Cannot create Shoal sink for table " + table + ": " + e.getMessage(), e);
    }
  }

  private static DynamicTableSink create(
      ReadableConfig options, ResolvedSchema schema, String tableName) {
    List<String> key = schema.getPrimaryKey().map(UniqueConstraint::getColumns).orElse(List.of());
    String idField =
        options
            .getOptional(ShoalOptions.ID_FIELD)
            .orElseGet(
                () -> {
                  if (key.size() != 1) {
                    throw new IllegalArgumentException(
                        "set id.field, or declare a single-column PRIMARY KEY ... NOT ENFORCED");
                  }
                  return key.get(0);
                });
    if (!key.isEmpty() && !key.equals(List.of(idField))) {
      throw new IllegalArgumentException(
          "the primary key " + key + " must be the id.field column " + idField);
    }
    RowType rowType = (RowType) schema.toPhysicalRowDataType().getLogicalType();
    String vectorField = options.get(ShoalOptions.VECTOR_FIELD);
    if (!rowType.getFieldNames().contains(vectorField)) {
      if (options.getOptional(ShoalOptions.VECTOR_FIELD).isPresent()) {
        throw new IllegalArgumentException("vector.field: the table has no column " + vectorField);
      }
      vectorField = null;
    }
    String sparseField = options.getOptional(ShoalOptions.SPARSE_FIELD).orElse(null);
    if (sparseField != null && !rowType.getFieldNames().contains(sparseField)) {
      throw new IllegalArgumentException("sparse.field: the table has no column " + sparseField);
    }
    Set<String> textFields =
        options
            .getOptional(ShoalOptions.TEXT_FIELDS)
            .map(
                v ->
                    Arrays.stream(v.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .collect(Collectors.toCollection(LinkedHashSet::new)))
            .orElse(new LinkedHashSet<>());
    for (String text : textFields) {
      if (!rowType.getFieldNames().contains(text)) {
        throw new IllegalArgumentException("text.fields: the table has no column " + text);
      }
    }
    RowDataConverter converter =
        new RowDataConverter(rowType, idField, vectorField, sparseField, textFields);

    ShoalSinkBuilder<RowData> b = ShoalSink.<RowData>builder().converter(converter);
    // Each setting is checked by the builder; its message is prefixed with the SQL option's key.
    option(ShoalOptions.STORE_URI, options, b::storeUri);
    option(ShoalOptions.NAMESPACE, options, b::namespace);
    option(ShoalOptions.DELIVERY_GUARANTEE, options, v -> b.deliveryGuarantee(guarantee(v)));
    option(ShoalOptions.BATCH_MAX_DOCS, options, b::batchMaxDocs);
    option(ShoalOptions.BATCH_MAX_BYTES, options, b::batchMaxBytes);
    option(ShoalOptions.FLUSH_INTERVAL, options, b::flushInterval);
    option(ShoalOptions.MAX_RETRIES, options, b::maxRetries);
    option(ShoalOptions.RETRY_BACKOFF, options, b::retryBackoff);
    String sinkUid =
        options
            .getOptional(ShoalOptions.SINK_UID)
            .orElse(tableName.replaceAll("[^A-Za-z0-9._-]", "_"));
    named(ShoalOptions.SINK_UID.key(), () -> b.sinkUid(sinkUid));
    option(ShoalOptions.INVALID_RECORDS, options, v -> b.invalidRecordPolicy(invalidRecords(v)));
    options
        .getOptional(ShoalOptions.DISTANCE_METRIC)
        .ifPresent(
            m ->
                named(
                    ShoalOptions.DISTANCE_METRIC.key(),
                    () -> b.distanceMetric(DistanceMetric.parse(m))));
    options.getOptional(ShoalOptions.S3_ENDPOINT).ifPresent(b::s3Endpoint);
    options.getOptional(ShoalOptions.S3_REGION).ifPresent(b::s3Region);
    options.getOptional(ShoalOptions.S3_PATH_STYLE_ACCESS).ifPresent(b::s3PathStyleAccess);
    if (options.getOptional(ShoalOptions.S3_ACCESS_KEY_ID).isPresent()
        != options.getOptional(ShoalOptions.S3_SECRET_ACCESS_KEY).isPresent()) {
      throw new IllegalArgumentException(
          "set both s3.access-key-id and s3.secret-access-key, or neither");
    }
    options
        .getOptional(ShoalOptions.S3_ACCESS_KEY_ID)
        .ifPresent(id -> b.s3Credentials(id, options.get(ShoalOptions.S3_SECRET_ACCESS_KEY)));
    Integer parallelism = options.getOptional(ShoalOptions.SINK_PARALLELISM).orElse(null);
    if (parallelism != null && parallelism < 1) {
      throw new IllegalArgumentException("sink.parallelism must be at least 1: " + parallelism);
    }
    return new ShoalDynamicTableSink(b.build(), !key.isEmpty(), parallelism);
  }

  private static <V> void option(
      ConfigOption<V> option, ReadableConfig options, Consumer<V> setter) {
    named(option.key(), () -> setter.accept(options.get(option)));
  }

  private static void named(String key, Runnable set) {
    try {
      set.run();
    } catch (IllegalArgumentException | NullPointerException e) {
      String message = String.valueOf(e.getMessage());
      throw new IllegalArgumentException(
          message.startsWith(key + ":") ? message : key + ": " + message, e);
    }
  }

  private static DeliveryGuarantee guarantee(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "exactly-once":
        return DeliveryGuarantee.EXACTLY_ONCE;
      case "at-least-once":
        return DeliveryGuarantee.AT_LEAST_ONCE;
      default:
        throw new IllegalArgumentException(
            "sink.delivery-guarantee: expected exactly-once or at-least-once, got " + value);
    }
  }

  private static InvalidRecordPolicy invalidRecords(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "fail":
        return InvalidRecordPolicy.FAIL;
      case "skip":
        return InvalidRecordPolicy.SKIP;
      default:
        throw new IllegalArgumentException(
            "sink.invalid-records: expected fail or skip, got " + value);
    }
  }
}
