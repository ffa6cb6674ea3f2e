package dev.shoal.flink.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.Consistency;
import dev.shoal.engine.Engine;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.flink.internal.S3Settings;
import dev.shoal.flink.internal.StoreUri;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code INSERT INTO} a {@code 'connector' = 'shoal'} table from a changelog. */
class ShoalTableSinkIT {
  private static final NamespacePath NS = NamespacePath.parse("acme/search/sql");

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @TempDir Path store;

  @Test
  void insertIntoAShoalTableAppliesTheChangelog() throws Exception {
    String uri = store.toUri().toString();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    env.enableCheckpointing(100);
    StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);

    TypeInformation<Row> type =
        Types.ROW_NAMED(
            new String[] {"id", "vector", "body", "lang", "year", "tags"},
            Types.STRING,
            Types.OBJECT_ARRAY(Types.FLOAT),
            Types.STRING,
            Types.STRING,
            Types.INT,
            Types.OBJECT_ARRAY(Types.STRING));
    DataStream<Row> changes =
        env.fromData(
            type,
            Row.ofKind(
                RowKind.INSERT, "a", new Float[] {1f, 0f}, "hello", "en", 2024, new String[] {"x"}),
            Row.ofKind(RowKind.INSERT, "b", new Float[] {0f, 1f}, "world", "fr", 2023, null),
            Row.ofKind(
                RowKind.UPDATE_BEFORE,
                "a",
                new Float[] {1f, 0f},
                "hello",
                "en",
                2024,
                new String[] {"x"}),
            Row.ofKind(
                RowKind.UPDATE_AFTER, "a", new Float[] {1f, 1f}, "hello again", "de", 2025, null),
            Row.ofKind(
                RowKind.INSERT,
                "c",
                new Float[] {0.5f, 0.5f},
                "third",
                null,
                2020,
                new String[] {"y", "z"}),
            Row.ofKind(RowKind.DELETE, "b", new Float[] {0f, 1f}, "world", "fr", 2023, null));
    tEnv.createTemporaryView(
        "changes",
        tEnv.fromChangelogStream(
            changes,
            Schema.newBuilder()
                .column("id", DataTypes.STRING().notNull())
                .column("vector", DataTypes.ARRAY(DataTypes.FLOAT()))
                .column("body", DataTypes.STRING())
                .column("lang", DataTypes.STRING())
                .column("year", DataTypes.INT())
                .column("tags", DataTypes.ARRAY(DataTypes.STRING()))
                .primaryKey("id")
                .build(),
            ChangelogMode.all()));
    tEnv.executeSql(
        "CREATE TABLE docs (id STRING, vector ARRAY<FLOAT>, body STRING, lang STRING,"
            + " `year` INT, tags ARRAY<STRING>, PRIMARY KEY (id) NOT ENFORCED) WITH ("
            + " 'connector' = 'shoal',"
            + " 'store.uri' = '"
            + uri
            + "',"
            + " 'namespace' = '"
            + NS
            + "',"
            + " 'vector.field' = 'vector',"
            + " 'text.fields' = 'body',"
            + " 'sink.delivery-guarantee' = 'exactly-once',"
            + " 'sink.batch.max-docs' = '100')");
    tEnv.executeSql("INSERT INTO docs SELECT * FROM changes").await();

    try (Engine engine =
        Engine.builder().store(new StoreUri(uri, S3Settings.NONE).open()).build()) {
      assertThat(engine.getNamespace(NS).docCount()).isEqualTo(2);
      assertThat(engine.getDocument(NS, "b", Consistency.STRONG)).isEmpty();
      Document a = engine.getDocument(NS, "a", Consistency.STRONG).orElseThrow();
      assertThat(a.vector()).containsExactly(1f, 1f);
      assertThat(a.text()).isEqualTo(Map.of("body", "hello again"));
      assertThat(a.attrs()).isEqualTo(Map.of("lang", "de", "year", 2025L));
      Document c = engine.getDocument(NS, "c", Consistency.STRONG).orElseThrow();
      assertThat(c.attrs()).isEqualTo(Map.of("year", 2020L, "tags", List.of("y", "z")));
    }
  }

  @Test
  void rejectsATableWithoutIdColumnNamingTheTable() {
    StreamTableEnvironment tEnv =
        StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
    tEnv.executeSql(
        "CREATE TABLE nokey (name STRING, vector ARRAY<FLOAT>) WITH ('connector' = 'shoal',"
            + " 'store.uri' = 'memory://unused', 'namespace' = 'acme/search/x')");
    assertThatThrownBy(
            () -> tEnv.executeSql("INSERT INTO nokey VALUES ('a', ARRAY[CAST(1.0 AS FLOAT)])"))
        .isInstanceOf(ValidationException.class)
        .hasStackTraceContaining("Cannot create Shoal sink for table")
        .hasStackTraceContaining("nokey")
        .hasStackTraceContaining("set id.field, or declare a single-column PRIMARY KEY");
  }

  @Test
  void aTableWithoutPrimaryKeyTakesInsertsByIdFieldWithADoubleVector() throws Exception {
    String uri = store.toUri().toString();
    NamespacePath ns = NamespacePath.parse("acme/search/sql-nokey");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    env.enableCheckpointing(100);
    StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
    tEnv.executeSql(
        "CREATE TABLE plain (doc_id BIGINT, emb ARRAY<DOUBLE>, score DOUBLE) WITH ("
            + " 'connector' = 'shoal', 'store.uri' = '"
            + uri
            + "', 'namespace' = '"
            + ns
            + "', 'id.field' = 'doc_id', 'vector.field' = 'emb',"
            + " 'sink.delivery-guarantee' = 'at-least-once')");
    tEnv.executeSql(
            "INSERT INTO plain VALUES (1, ARRAY[0.5, 0.25], 1.5), (2, ARRAY[1.0, 2.0], 2.5),"
                + " (1, ARRAY[0.0, 1.0], 3.5)")
        .await();

    try (Engine engine =
        Engine.builder().store(new StoreUri(uri, S3Settings.NONE).open()).build()) {
      assertThat(engine.getNamespace(ns).docCount()).isEqualTo(2);
      Document one = engine.getDocument(ns, "1", Consistency.STRONG).orElseThrow();
      assertThat(one.vector()).as("the later insert of id 1 wins").containsExactly(0f, 1f);
      assertThat(one.attrs()).isEqualTo(Map.of("score", 3.5));
      assertThat(engine.getDocument(ns, "2", Consistency.STRONG).orElseThrow().vector())
          .containsExactly(1f, 2f);
    }
  }

  @Test
  void invalidOptionsFailWithTheOptionAndTheTable() {
    StreamTableEnvironment tEnv =
        StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
    String columns = "(id STRING, vector ARRAY<FLOAT>, n INT, PRIMARY KEY (id) NOT ENFORCED)";
    String base = "'connector' = 'shoal', 'store.uri' = 'memory://unused', 'namespace' = 'a/b/c'";
    Map<String, String> cases =
        Map.of(
            "'sink.delivery-guarantee' = 'twice'",
            "sink.delivery-guarantee: expected exactly-once or at-least-once, got twice",
            "'sink.invalid-records' = 'ignore'",
            "sink.invalid-records: expected fail or skip, got ignore",
            "'vector.field' = 'n'",
            "Invalid vector.field: column n is INT",
            "'text.fields' = 'missing'",
            "text.fields: the table has no column missing",
            "'no.such.option' = '1'",
            "no.such.option",
            "'sink.batch.max-docs' = '0'",
            "sink.batch.max-docs: Invalid batchMaxDocs 0",
            "'sink.max-retries' = '-1'",
            "sink.max-retries: Invalid maxRetries -1",
            "'namespace.distance-metric' = 'manhattan'",
            "namespace.distance-metric: ");
    int i = 0;
    for (Map.Entry<String, String> c : cases.entrySet()) {
      String table = "bad" + i++;
      tEnv.executeSql(
          "CREATE TABLE " + table + " " + columns + " WITH (" + base + ", " + c.getKey() + ")");
      assertThatThrownBy(
              () ->
                  tEnv.executeSql(
                      "INSERT INTO " + table + " VALUES ('a', ARRAY[CAST(1.0 AS FLOAT)], 1)"))
          .as(c.getKey())
          .isInstanceOf(ValidationException.class)
          .hasStackTraceContaining(table)
          .hasStackTraceContaining(c.getValue());
    }
  }
}
