package dev.shoal.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.model.DistanceMetric;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ShoalSinkConfigTest {
  static Map<String, String> minimal() {
    Map<String, String> p = new HashMap<>();
    p.put("name", "docs-sink");
    p.put(ShoalSinkConfig.STORE_URI, "file:///var/shoal");
    p.put(ShoalSinkConfig.NAMESPACE, "acme/search/${topic}");
    return p;
  }

  static Map<String, String> with(String... kv) {
    Map<String, String> p = minimal();
    for (int i = 0; i < kv.length; i += 2) {
      p.put(kv[i], kv[i + 1]);
    }
    return p;
  }

  @Test
  void definesEveryKeyOfThePublicContract() {
    // API.md, "Kafka Connect sink": every key, exactly as named.
    List<String> api =
        List.of(
            "shoal.store.uri",
            "shoal.s3.endpoint",
            "shoal.s3.region",
            "shoal.s3.path.style.access",
            "shoal.s3.access.key.id",
            "shoal.s3.secret.access.key",
            "shoal.namespace",
            "shoal.namespace.distance.metric",
            "shoal.id.source",
            "shoal.id.field",
            "shoal.vector.field",
            "shoal.sparse.field",
            "shoal.text.fields",
            "shoal.attrs.include",
            "shoal.attrs.exclude",
            "shoal.write.mode",
            "shoal.delete.on.null",
            "shoal.cdc.format",
            "shoal.batch.max.docs",
            "shoal.batch.max.bytes",
            "shoal.flush.interval.ms",
            "shoal.retry.max",
            "shoal.retry.backoff.ms",
            "shoal.exactly.once");
    assertThat(ShoalSinkConfig.publicKeys()).containsAll(api);
    assertThat(ShoalSinkConfig.CONFIG_DEF.configKeys().get("shoal.s3.access.key.id").type)
        .isEqualTo(org.apache.kafka.common.config.ConfigDef.Type.PASSWORD);
    assertThat(ShoalSinkConfig.CONFIG_DEF.configKeys().get("shoal.s3.secret.access.key").type)
        .isEqualTo(org.apache.kafka.common.config.ConfigDef.Type.PASSWORD);
  }

  @Test
  void everyPublicKeyHasAGroupAndDocumentation() {
    for (var key : ShoalSinkConfig.CONFIG_DEF.configKeys().values()) {
      if (!key.internalConfig) {
        assertThat(key.group).as(key.name).isNotBlank();
        assertThat(key.documentation).as(key.name).isNotBlank();
        assertThat(key.displayName).as(key.name).isNotBlank();
      }
    }
  }

  @Test
  void appliesTheDocumentedDefaults() {
    ShoalSinkConfig c = new ShoalSinkConfig(minimal());
    assertThat(c.distanceMetric()).isEqualTo(DistanceMetric.COSINE);
    assertThat(c.idSource()).isEqualTo(ShoalSinkConfig.IdSource.KEY);
    assertThat(c.vectorField()).isEqualTo("vector");
    assertThat(c.sparseField()).isEmpty();
    assertThat(c.textFields()).isEmpty();
    assertThat(c.writeMode()).isEqualTo(ShoalSinkConfig.WriteMode.UPSERT);
    assertThat(c.deleteOnNull()).isTrue();
    assertThat(c.cdcFormat()).isEqualTo(ShoalSinkConfig.CdcFormat.NONE);
    assertThat(c.batchMaxDocs()).isEqualTo(1000);
    assertThat(c.batchMaxBytes()).isEqualTo(8_388_608L);
    assertThat(c.flushIntervalMs()).isEqualTo(1000L);
    assertThat(c.retryMax()).isEqualTo(10);
    assertThat(c.retryBackoffMs()).isEqualTo(200L);
    assertThat(c.exactlyOnce()).isTrue();
    assertThat(c.s3AccessKeyId()).isNull();
    assertThat(c.connectorName()).isEqualTo("docs-sink");
    assertThat(c.maxPollIntervalMs()).isEqualTo(300_000L);
  }

  @Test
  void parsesEnumsCaseInsensitivelyAndLists() {
    ShoalSinkConfig c =
        new ShoalSinkConfig(
            with(
                "shoal.id.source", "FIELD",
                "shoal.id.field", "doc_id",
                "shoal.write.mode", "Patch",
                "shoal.cdc.format", "debezium",
                "shoal.namespace.distance.metric", "euclidean",
                "shoal.text.fields", "title, body ,",
                "consumer.override.max.poll.interval.ms", "60000"));
    assertThat(c.idSource()).isEqualTo(ShoalSinkConfig.IdSource.FIELD);
    assertThat(c.writeMode()).isEqualTo(ShoalSinkConfig.WriteMode.PATCH);
    assertThat(c.cdcFormat()).isEqualTo(ShoalSinkConfig.CdcFormat.DEBEZIUM);
    assertThat(c.distanceMetric()).isEqualTo(DistanceMetric.EUCLIDEAN);
    assertThat(c.textFields()).containsExactly("title", "body");
    assertThat(c.maxPollIntervalMs()).isEqualTo(60_000L);
  }

  @Test
  void rejectsAMissingStoreUri() {
    Map<String, String> p = minimal();
    p.remove(ShoalSinkConfig.STORE_URI);
    assertThatThrownBy(() -> new ShoalSinkConfig(p))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("shoal.store.uri");
  }

  @Test
  void rejectsStoreUrisWithoutABackend() {
    assertThatThrownBy(() -> new ShoalSinkConfig(with("shoal.store.uri", "gs://bucket")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Cannot open a store with scheme 'gs'")
        .hasMessageContaining("file:///absolute/folder or s3://bucket/prefix");
    assertThatThrownBy(() -> new ShoalSinkConfig(with("shoal.store.uri", "file:data")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Cannot use a relative file URI");
    assertThatThrownBy(() -> new ShoalSinkConfig(with("shoal.store.uri", "s3:///prefix")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("without a bucket");
  }

  @Test
  void rejectsBadNamespaceTemplates() {
    assertThatThrownBy(() -> new ShoalSinkConfig(with("shoal.namespace", "acme/${topic}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("must expand to org/project/namespace");
    assertThatThrownBy(() -> new ShoalSinkConfig(with("shoal.namespace", "acme/s/${topik}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown placeholder ${topik}");
    assertThatThrownBy(() -> new ShoalSinkConfig(with("shoal.namespace", "acme/s/${topic")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not closed");
    assertThatThrownBy(() -> new ShoalSinkConfig(with("shoal.namespace", "ac me/s/${topic}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("only ASCII letters");
  }

  @Test
  void rejectsOutOfRangeAndUnknownValues() {
    assertThatThrownBy(() -> new ShoalSinkConfig(with("shoal.batch.max.docs", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("shoal.batch.max.docs");
    assertThatThrownBy(() -> new ShoalSinkConfig(with("shoal.batch.max.docs", "20000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("shoal.batch.max.docs");
    assertThatThrownBy(() -> new ShoalSinkConfig(with("shoal.id.source", "hash")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("shoal.id.source");
    assertThatThrownBy(
            () -> new ShoalSinkConfig(with("shoal.namespace.distance.metric", "manhattan")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("shoal.namespace.distance.metric");
  }

  @Test
  void requiresAnIdFieldForFieldAndHeaderSources() {
    assertThatThrownBy(() -> new ShoalSinkConfig(with("shoal.id.source", "field")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("shoal.id.field")
        .hasMessageContaining("without naming the field that holds the id");
    assertThatThrownBy(() -> new ShoalSinkConfig(with("shoal.id.source", "header")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("without naming the header");
  }

  @Test
  void listsEveryCrossKeyProblemForValidate() {
    Map<String, String> p =
        with(
            "shoal.text.fields", "vector",
            "shoal.batch.max.bytes", "1048576",
            "shoal.buffer.max.bytes", "4096");
    assertThatThrownBy(() -> new ShoalSinkConfig(p))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("shoal.text.fields");
    assertThat(ShoalSinkConfig.withoutCrossChecks(p).problems())
        .extracting(ShoalSinkConfig.Problem::key)
        .containsExactly("shoal.text.fields", "shoal.buffer.max.bytes");
    assertThat(new ShoalSinkConfig(minimal()).problems()).isEmpty();
  }

  @Test
  void requiresBothStaticCredentials() {
    assertThatThrownBy(() -> new ShoalSinkConfig(with("shoal.s3.access.key.id", "AKIA")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("shoal.s3.secret.access.key")
        .hasMessageContaining("set both, or neither");
  }

  @Test
  void bufferBoundMustHoldABatch() {
    assertThatThrownBy(
            () ->
                new ShoalSinkConfig(
                    with("shoal.batch.max.bytes", "1048576", "shoal.buffer.max.bytes", "4096")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Cannot buffer less than one batch");
  }

  @Test
  void bufferBoundDefaultsToTwoBatchesWhenBatchesExceedEightMiB() {
    assertThat(new ShoalSinkConfig(minimal()).bufferMaxBytes()).isEqualTo(16L << 20);
    assertThat(new ShoalSinkConfig(with("shoal.batch.max.bytes", "1048576")).bufferMaxBytes())
        .isEqualTo(16L << 20);
    // A 64 MiB batch is accepted by its range alone, without raising the buffer bound.
    ShoalSinkConfig large = new ShoalSinkConfig(with("shoal.batch.max.bytes", "67108864"));
    assertThat(large.bufferMaxBytes()).isEqualTo(128L << 20);
    assertThat(large.problems()).isEmpty();
    assertThat(
            new ShoalSinkConfig(
                    with("shoal.batch.max.bytes", "67108864", "shoal.buffer.max.bytes", "67108864"))
                .bufferMaxBytes())
        .isEqualTo(64L << 20);
  }

  @Test
  void rejectsABufferBoundOutsideItsRange() {
    assertThatThrownBy(() -> new ShoalSinkConfig(with("shoal.buffer.max.bytes", "10")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("shoal.buffer.max.bytes")
        .hasMessageContaining("Value must be at least 1024");
  }

  @Test
  void readsErrorToleranceFromTheConnectorConfig() {
    assertThat(new ShoalSinkConfig(minimal()).toleratesErrors()).isFalse();
    assertThat(new ShoalSinkConfig(with("errors.tolerance", "all")).toleratesErrors()).isTrue();
  }
}
