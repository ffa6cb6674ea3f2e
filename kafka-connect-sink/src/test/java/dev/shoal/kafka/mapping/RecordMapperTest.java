package dev.shoal.kafka.mapping;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.model.SparseVector;
import dev.shoal.kafka.ShoalSinkConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class RecordMapperTest {

  static RecordMapper mapper(String... kv) {
    Map<String, String> p = new HashMap<>();
    p.put("name", "sink");
    p.put(ShoalSinkConfig.STORE_URI, "file:///tmp/x");
    p.put(ShoalSinkConfig.NAMESPACE, "acme/search/${topic}");
    for (int i = 0; i < kv.length; i += 2) {
      p.put(kv[i], kv[i + 1]);
    }
    return new RecordMapper(new ShoalSinkConfig(p));
  }

  static SinkRecord record(Object key, Object value) {
    return new SinkRecord("docs", 2, null, key, null, value, 41);
  }

  static Map<String, Object> doc(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static Document upserted(RecordMapper.Mapped m) {
    assertThat(m).isInstanceOf(RecordMapper.Mapped.Write.class);
    SinkOperation op = ((RecordMapper.Mapped.Write) m).operation();
    assertThat(op).isInstanceOf(SinkOperation.Upsert.class);
    return ((SinkOperation.Upsert) op).document();
  }

  static NamespacePath namespace(RecordMapper.Mapped m) {
    return ((RecordMapper.Mapped.Write) m).namespace();
  }

  @Test
  void mapsASchemalessMapWithVectorTextAndAttributes() {
    RecordMapper m = mapper("shoal.text.fields", "title");
    Document d =
        upserted(
            m.map(
                record(
                    "doc-1",
                    doc(
                        "vector",
                        List.of(0.5, 1, -2.25),
                        "title",
                        "Kafka sinks",
                        "lang",
                        "en",
                        "year",
                        2024,
                        "tags",
                        List.of("a", "b"),
                        "missing",
                        null))));
    assertThat(d.id()).isEqualTo("doc-1");
    assertThat(d.vector()).containsExactly(0.5f, 1f, -2.25f);
    assertThat(d.text()).containsExactly(Map.entry("title", "Kafka sinks"));
    assertThat(d.attrs())
        .containsOnly(
            Map.entry("lang", "en"),
            Map.entry("year", 2024L),
            Map.entry("tags", List.of("a", "b")));
  }

  @Test
  void routesByTopicAfterTransformsButNamesTheOriginalCoordinates() {
    SinkRecord original = record("k", doc("vector", List.of(1, 2)));
    SinkRecord renamed =
        original.newRecord(
            "renamed", 2, null, "k", null, doc("vector", List.of(1, 2)), original.timestamp());
    assertThat(namespace(mapper().map(renamed)))
        .isEqualTo(NamespacePath.parse("acme/search/renamed"));
    SinkRecord bad = original.newRecord("renamed", 2, null, "k", null, "not json", 0L);
    assertThatThrownBy(() -> mapper().map(bad))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("(topic docs, partition 2, offset 41, transformed topic renamed)");
  }

  @Test
  void mapsAStructIncludingNestedStructsDatesAndBytes() {
    Schema address = SchemaBuilder.struct().field("city", Schema.STRING_SCHEMA).build();
    Schema schema =
        SchemaBuilder.struct()
            .field("id", Schema.STRING_SCHEMA)
            .field("vector", SchemaBuilder.array(Schema.FLOAT32_SCHEMA).build())
            .field("address", address)
            .field("seen", org.apache.kafka.connect.data.Timestamp.SCHEMA)
            .field("blob", Schema.BYTES_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    Struct value =
        new Struct(schema)
            .put("id", "ignored-id-field")
            .put("vector", List.of(1f, 2f))
            .put("address", new Struct(address).put("city", "Lyon"))
            .put("seen", new Date(1_700_000_000_000L))
            .put("blob", new byte[] {1, 2, 3});
    Document d = upserted(mapper().map(record(7L, value)));
    assertThat(d.id()).isEqualTo("7");
    assertThat(d.vector()).containsExactly(1f, 2f);
    assertThat(d.attrs())
        .containsOnly(
            Map.entry("address.city", "Lyon"),
            Map.entry("seen", 1_700_000_000_000L),
            Map.entry("blob", "AQID"));
  }

  @Test
  void parsesJsonStringsAndUtf8Bytes() {
    Document a = upserted(mapper().map(record("a", "{\"vector\":[1,2],\"n\":1.5}")));
    assertThat(a.attrs()).containsOnly(Map.entry("n", 1.5));
    Document b =
        upserted(mapper().map(record("b", "{\"vector\":[3,4]}".getBytes(StandardCharsets.UTF_8))));
    assertThat(b.vector()).containsExactly(3f, 4f);
  }

  @Test
  void rejectsMalformedJsonWithCoordinates() {
    assertThatThrownBy(() -> mapper().map(record("a", "{\"vector\": [1, 2")))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageStartingWith(
            "Cannot write record (topic docs, partition 2, offset 41) to Shoal:")
        .hasMessageContaining("malformed JSON");
    assertThatThrownBy(() -> mapper().map(record("a", "[1,2]")))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> mapper().map(record("a", "{\"a\":1,\"a\":2}")))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("Duplicate field");
    assertThatThrownBy(() -> mapper().map(record("a", 42)))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("the value is a Integer; expected a Struct, a Map or a JSON object");
  }

  @Test
  void rejectsBadVectors() {
    assertThatThrownBy(() -> mapper().map(record("a", doc("vector", List.of(1, "x")))))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("vector field 'vector' has a String at position 1; expected numbers");
    assertThatThrownBy(() -> mapper().map(record("a", doc("vector", "1,2"))))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("is a string but not base64 of little-endian float32 values");
    assertThatThrownBy(() -> mapper().map(record("a", doc("vector", true))))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("is a Boolean; expected an array of numbers, or base64");
    assertThatThrownBy(() -> mapper().map(record("a", doc("vector", "AAAA"))))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining(
            "base64 string of 3 bytes; float32 vectors need a positive multiple of 4");
    assertThatThrownBy(() -> mapper().map(record("a", doc("vector", List.of(1, Double.NaN)))))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("non-finite value at position 1");
    assertThatThrownBy(() -> mapper().map(record("a", doc("vector", List.of()))))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("empty array");
  }

  @Test
  void readsBase64AndByteVectorsAsLittleEndianFloat32() {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putFloat(1.5f).putFloat(-2f);
    String base64 = java.util.Base64.getEncoder().encodeToString(b.array());
    assertThat(upserted(mapper().map(record("a", "{\"vector\":\"" + base64 + "\"}"))).vector())
        .containsExactly(1.5f, -2f);
    assertThat(upserted(mapper().map(record("a", doc("vector", b.array())))).vector())
        .containsExactly(1.5f, -2f);
  }

  @Test
  void base64VectorsInJsonTextAreRejectedAsBefore() {
    assertThatThrownBy(() -> mapper().map(record("a", "{\"vector\":\"1,2\"}".getBytes(UTF_8))))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("is a string but not base64 of little-endian float32 values");
    assertThatThrownBy(() -> mapper().map(record("a", "{\"vector\":\"AAAA\"}".getBytes(UTF_8))))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining(
            "base64 string of 3 bytes; float32 vectors need a positive multiple of 4");
    assertThatThrownBy(() -> mapper().map(record("a", "{\"vector\":\"\"}")))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("base64 string of 0 bytes");
    assertThatThrownBy(() -> mapper().map(record("a", "{\"vector\":\"AACAfw==\"}")))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("vector field 'vector' has a non-finite value at position 0");
  }

  @Test
  void base64VectorsInJsonBytesAndDebeziumRowsAreDecoded() {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(512).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    float[] want = new float[128];
    for (int i = 0; i < want.length; i++) {
      want[i] = i * 0.25f - 7f;
      b.putFloat(want[i]);
    }
    String base64 = java.util.Base64.getEncoder().encodeToString(b.array());
    Document d =
        upserted(
            mapper()
                .map(
                    record(
                        "a", ("{\"vector\":\"" + base64 + "\",\"lang\":\"en\"}").getBytes(UTF_8))));
    assertThat(d.vector()).containsExactly(want);
    assertThat(d.attrs()).containsOnlyKeys("lang");
    Document after =
        upserted(
            mapper(ShoalSinkConfig.CDC_FORMAT, "debezium")
                .map(record("a", "{\"op\":\"c\",\"after\":{\"vector\":\"" + base64 + "\"}}")));
    assertThat(after.vector()).containsExactly(want);
  }

  @Test
  void readsJsonNumberArraysAsVectorsAndAttributes() {
    Document d =
        upserted(mapper().map(record("a", "{\"vector\":[1, 2.5, -3e2],\"xs\":[1, 2.5],\"n\":7}")));
    assertThat(d.vector()).containsExactly(1f, 2.5f, -300f);
    assertThat(d.attrs()).containsEntry("xs", List.of(1L, 2.5)).containsEntry("n", 7L);
    assertThatThrownBy(() -> mapper().map(record("a", "{\"vector\":[1e400]}")))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("malformed JSON");
  }

  @Test
  void readsJsonVectorsAsFloat32OfTheParsedDoubles() {
    StringBuilder json = new StringBuilder("{\"vector\":[");
    float[] want = new float[1000]; // longer than the reader's first scratch buffer
    for (int i = 0; i < want.length; i++) {
      double d = Math.sin(i) * 1e-3 + i / 7.0;
      want[i] = (float) d;
      json.append(i == 0 ? "" : ",").append(d);
    }
    json.append("]}");
    assertThat(upserted(mapper().map(record("a", json.toString()))).vector()).isEqualTo(want);
    assertThat(upserted(mapper().map(record("b", "{\"vector\":[0.1,3]}".getBytes(UTF_8)))).vector())
        .containsExactly(0.1f, 3f);
  }

  @Test
  void rejectsJsonVectorsBeyondFloat32OrWithNonNumbersNamingTheElement() {
    assertThatThrownBy(() -> mapper().map(record("a", "{\"vector\":[1, 1e39, 2]}")))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("vector field 'vector' has a non-finite value at position 1: 1.0E39");
    assertThatThrownBy(() -> mapper().map(record("a", "{\"vector\":[1, \"x\", 2]}")))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("vector field 'vector' has a String at position 1");
    assertThatThrownBy(() -> mapper().map(record("a", "{\"vector\":[]}")))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("vector field 'vector' is an empty array");
  }

  @Test
  void readsOnlyTheVectorFieldAsFloat32AndNestedFieldsOnlyForDebezium() {
    Document plain =
        upserted(mapper().map(record("a", "{\"vector\":[1],\"meta\":{\"vector\":[0.1]}}")));
    assertThat(plain.attrs()).containsEntry("meta.vector", List.of(0.1)); // a double, as written
    Document cdc =
        upserted(
            mapper("shoal.cdc.format", "debezium")
                .map(record("a", "{\"op\":\"c\",\"after\":{\"vector\":[0.1, 2]}}")));
    assertThat(cdc.vector()).containsExactly(0.1f, 2f);
  }

  @Test
  void parsesEachExpandedNamespaceOnceAndStillRejectsInvalidOnesEveryTime() {
    RecordMapper m = mapper("shoal.namespace", "acme/${key}/docs");
    NamespacePath first = namespace(m.map(record("a", doc())));
    assertThat(namespace(m.map(record("a", doc())))).isSameAs(first);
    for (int i = 0; i < 20_000; i++) { // more than the cache holds
      assertThat(namespace(m.map(record("k" + i, doc()))))
          .isEqualTo(NamespacePath.of("acme", "k" + i, "docs"));
    }
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> m.map(record("bad/key", doc())))
          .isInstanceOf(RejectedRecordException.class)
          .hasMessageContaining("gives an invalid namespace");
    }
  }

  @Test
  void readsSparseVectors() {
    RecordMapper m = mapper("shoal.sparse.field", "sp");
    Document d =
        upserted(
            m.map(
                record("a", doc("sp", doc("indices", List.of(9, 3), "values", List.of(1, 0.5))))));
    assertThat(d.sparse()).isEqualTo(SparseVector.of(new int[] {3, 9}, new float[] {0.5f, 1f}));
    assertThatThrownBy(
            () ->
                m.map(
                    record("a", doc("sp", doc("indices", List.of(1, 1), "values", List.of(1, 2))))))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("sparse vector field 'sp' is invalid");
  }

  @Test
  void takesIdsFromKeysOfSupportedTypesOnly() {
    RecordMapper m = mapper();
    assertThat(upserted(m.map(record(12, doc()))).id()).isEqualTo("12");
    assertThat(upserted(m.map(record("k".getBytes(StandardCharsets.UTF_8), doc()))).id())
        .isEqualTo("k");
    Schema keySchema = SchemaBuilder.struct().field("pk", Schema.INT64_SCHEMA).build();
    assertThat(upserted(m.map(record(new Struct(keySchema).put("pk", 5L), doc()))).id())
        .isEqualTo("5");
    assertThat(upserted(m.map(record(Map.of("pk", "x"), doc()))).id()).isEqualTo("x");

    assertThatThrownBy(() -> m.map(record(null, doc())))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("the record key is null");
    assertThatThrownBy(() -> m.map(record("", doc())))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("the record key is empty");
    assertThatThrownBy(() -> m.map(record(1.5, doc())))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("the record key is a Double (1.5); ids must be strings");
    assertThatThrownBy(() -> m.map(record(Map.of("a", 1, "b", 2), doc())))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("has 2 fields");
    assertThatThrownBy(() -> m.map(record("x".repeat(300), doc())))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("longer than 256 bytes");
    assertThatThrownBy(() -> m.map(record(new byte[] {(byte) 0xff}, doc())))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("not valid UTF-8");
  }

  @Test
  void takesIdsFromAFieldAHeaderOrKafkaCoordinates() {
    RecordMapper byField = mapper("shoal.id.source", "field", "shoal.id.field", "doc_id");
    Document d = upserted(byField.map(record(null, doc("doc_id", "d-9", "x", 1))));
    assertThat(d.id()).isEqualTo("d-9");
    assertThat(d.attrs()).containsOnly(Map.entry("x", 1L));
    assertThatThrownBy(() -> byField.map(record(null, doc("x", 1))))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("the id field 'doc_id' is missing");

    RecordMapper byHeader = mapper("shoal.id.source", "header", "shoal.id.field", "doc-id");
    ConnectHeaders headers = new ConnectHeaders();
    headers.addString("doc-id", "h-1");
    SinkRecord r =
        new SinkRecord(
            "docs", 0, null, null, null, doc(), 5, 0L, TimestampType.CREATE_TIME, headers);
    assertThat(upserted(byHeader.map(r)).id()).isEqualTo("h-1");
    assertThatThrownBy(() -> byHeader.map(record(null, doc())))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("the header 'doc-id' is missing");

    RecordMapper byKafka = mapper("shoal.id.source", "kafka");
    assertThat(upserted(byKafka.map(record(null, doc()))).id()).isEqualTo("docs+2+41");
  }

  @Test
  void neverStoresAFieldNamedIdAsAnAttribute() {
    Document d = upserted(mapper().map(record("k", doc("id", "other", "a", 1))));
    assertThat(d.attrs()).containsOnly(Map.entry("a", 1L));
  }

  @Test
  void appliesIncludeAndExcludeLists() {
    RecordMapper m = mapper("shoal.attrs.include", "a,b", "shoal.attrs.exclude", "b");
    assertThat(upserted(m.map(record("k", doc("a", 1, "b", 2, "c", 3)))).attrs())
        .containsOnly(Map.entry("a", 1L));
  }

  @Test
  void rejectsArraysOfObjectsAsAttributes() {
    assertThatThrownBy(() -> mapper().map(record("k", doc("a", List.of(Map.of("x", 1))))))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("attribute 'a' is an array of maps");
  }

  @Test
  void turnsTombstonesIntoDeletesOrSkips() {
    RecordMapper.Mapped m = mapper().map(record("gone", null));
    assertThat(m)
        .isEqualTo(
            new RecordMapper.Mapped.Write(
                NamespacePath.parse("acme/search/docs"), new SinkOperation.Delete("gone")));
    assertThat(mapper("shoal.delete.on.null", "false").map(record("gone", null)))
        .isInstanceOf(RecordMapper.Mapped.Skip.class);
    assertThat(mapper("shoal.id.source", "kafka").map(record("gone", null)))
        .isInstanceOf(RecordMapper.Mapped.Skip.class);
    assertThat(mapper("shoal.namespace", "acme/s/${field:t}").map(record("gone", null)))
        .isInstanceOf(RecordMapper.Mapped.Skip.class);
    assertThatThrownBy(() -> mapper().map(record(null, null)))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("the record key is null");
  }

  @Test
  void mapsPatchModeWithNullsAsRemovals() {
    RecordMapper m = mapper("shoal.write.mode", "patch", "shoal.text.fields", "body");
    RecordMapper.Mapped out = m.map(record("k", doc("a", null, "b", 2, "body", null)));
    SinkOperation op = ((RecordMapper.Mapped.Write) out).operation();
    assertThat(op).isInstanceOf(SinkOperation.Patch.class);
    DocumentPatch p = ((SinkOperation.Patch) op).patch();
    assertThat(p.vector()).isNull();
    assertThat(p.attrs()).containsEntry("a", null).containsEntry("b", 2L);
    assertThat(p.text()).containsEntry("body", null);
  }

  @Test
  void readsDebeziumEnvelopes() {
    RecordMapper m = mapper("shoal.cdc.format", "debezium");
    Map<String, Object> key = doc("id", 3);
    Document d =
        upserted(
            m.map(
                record(
                    key,
                    doc(
                        "op", "u",
                        "before", doc("id", 3, "name", "old"),
                        "after", doc("id", 3, "name", "new", "vector", List.of(1, 0)),
                        "source", doc("db", "x")))));
    assertThat(d.id()).isEqualTo("3");
    assertThat(d.attrs()).containsOnly(Map.entry("name", "new"));

    assertThat(m.map(record(key, doc("op", "d", "before", doc("id", 3), "after", null))))
        .isEqualTo(
            new RecordMapper.Mapped.Write(
                NamespacePath.parse("acme/search/docs"), new SinkOperation.Delete("3")));
    assertThat(m.map(record(key, doc("op", "t")))).isInstanceOf(RecordMapper.Mapped.Skip.class);
    assertThatThrownBy(() -> m.map(record(key, doc("name", "x"))))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("not a Debezium change event");
    assertThatThrownBy(() -> m.map(record(key, doc("op", "c", "after", null))))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("has no 'after' document");
  }

  @Test
  void readsDebeziumDeleteIdsFromBeforeWhenTheIdIsAField() {
    RecordMapper m =
        mapper("shoal.cdc.format", "debezium", "shoal.id.source", "field", "shoal.id.field", "sku");
    assertThat(m.map(record(null, doc("op", "d", "before", doc("sku", "A-1")))))
        .isEqualTo(
            new RecordMapper.Mapped.Write(
                NamespacePath.parse("acme/search/docs"), new SinkOperation.Delete("A-1")));
  }

  @Test
  void expandsKeyFieldAndHeaderPlaceholders() {
    RecordMapper m = mapper("shoal.namespace", "acme/${field:tenant}/k-${key}");
    assertThat(namespace(m.map(record("7", doc("tenant", "t1")))))
        .isEqualTo(NamespacePath.parse("acme/t1/k-7"));
    assertThatThrownBy(() -> m.map(record("7", doc("tenant", "../etc"))))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("gives an invalid namespace");
    assertThatThrownBy(() -> m.map(record("7", doc())))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("the field 'tenant' for ${field:tenant} is missing");

    RecordMapper h = mapper("shoal.namespace", "acme/s/${header:ns}");
    ConnectHeaders headers = new ConnectHeaders();
    headers.addString("ns", "from-header");
    SinkRecord r =
        new SinkRecord(
            "docs", 0, null, "k", null, doc(), 1, 0L, TimestampType.CREATE_TIME, headers);
    assertThat(namespace(h.map(r))).isEqualTo(NamespacePath.parse("acme/s/from-header"));
  }

  @Test
  void rejectsInvalidDocumentsWithTheEngineReason() {
    assertThatThrownBy(() -> mapper().map(record("k", doc("$bad", 1))))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("must not start with '$'");
    assertThatThrownBy(() -> mapper("shoal.text.fields", "t").map(record("k", doc("t", 5))))
        .isInstanceOf(RejectedRecordException.class)
        .hasMessageContaining("text field 't' is a Integer, not a string");
  }

  @Test
  void copiesVectorsSoCallersCannotChangeThem() {
    float[] v = {1, 2};
    Document d = upserted(mapper().map(record("k", doc("vector", v))));
    v[0] = 9;
    assertThat(Arrays.equals(d.vector(), new float[] {1, 2})).isTrue();
  }
}
