package dev.shoal.flink.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.SparseVector;
import dev.shoal.flink.ShoalWrite;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;

class RowDataConverterTest {
  private static RowType type(DataTypes.Field... fields) {
    return (RowType) DataTypes.ROW(fields).getLogicalType();
  }

  private static final RowType FLOATS =
      type(
          DataTypes.FIELD("id", DataTypes.STRING()),
          DataTypes.FIELD("embedding", DataTypes.ARRAY(DataTypes.FLOAT())),
          DataTypes.FIELD("body", DataTypes.STRING()),
          DataTypes.FIELD("n", DataTypes.INT()),
          DataTypes.FIELD("tags", DataTypes.ARRAY(DataTypes.STRING())));

  private final RowDataConverter floats =
      new RowDataConverter(FLOATS, "id", "embedding", null, Set.of("body"));

  private static GenericRowData row(RowKind kind, Object... values) {
    GenericRowData row = GenericRowData.of(values);
    row.setRowKind(kind);
    return row;
  }

  private static StringData s(String v) {
    return StringData.fromString(v);
  }

  @Test
  void insertAndUpdateAfterUpsertTheWholeRow() {
    for (RowKind kind : List.of(RowKind.INSERT, RowKind.UPDATE_AFTER)) {
      ShoalWrite write =
          floats.convert(
              row(
                  kind,
                  s("a"),
                  new GenericArrayData(new Float[] {1f, 2f}),
                  s("hello"),
                  7,
                  new GenericArrayData(new Object[] {s("x"), s("y")})));
      assertThat(write).isInstanceOf(ShoalWrite.Upsert.class);
      Document d = ((ShoalWrite.Upsert) write).document();
      assertThat(d.id()).isEqualTo("a");
      assertThat(d.vector()).containsExactly(1f, 2f);
      assertThat(d.text()).isEqualTo(Map.of("body", "hello"));
      assertThat(d.attrs()).containsEntry("n", 7L);
      assertThat(d.attrs().get("tags")).isEqualTo(List.of("x", "y"));
    }
  }

  @Test
  void nullColumnsAreLeftOut() {
    Document d =
        ((ShoalWrite.Upsert) floats.convert(row(RowKind.INSERT, s("a"), null, null, null, null)))
            .document();
    assertThat(d.vector()).isNull();
    assertThat(d.text()).isEmpty();
    assertThat(d.attrs()).isEmpty();
  }

  @Test
  void updateBeforeIsIgnoredAndDeleteDeletes() {
    assertThat(floats.convert(row(RowKind.UPDATE_BEFORE, s("a"), null, null, 1, null))).isNull();
    ShoalWrite delete = floats.convert(row(RowKind.DELETE, s("a"), null, null, 1, null));
    assertThat(delete).isEqualTo(ShoalWrite.delete("a"));
  }

  @Test
  void doubleVectorsAreNarrowedToFloats() {
    RowType t =
        type(
            DataTypes.FIELD("id", DataTypes.BIGINT()),
            DataTypes.FIELD("v", DataTypes.ARRAY(DataTypes.DOUBLE())));
    RowDataConverter c = new RowDataConverter(t, "id", "v", null, Set.of());
    Document d =
        ((ShoalWrite.Upsert)
                c.convert(row(RowKind.INSERT, 42L, new GenericArrayData(new double[] {0.5, -2}))))
            .document();
    assertThat(d.id()).isEqualTo("42");
    assertThat(d.vector()).containsExactly(0.5f, -2f);
  }

  @Test
  void sparseFromAMap() {
    RowType t =
        type(
            DataTypes.FIELD("id", DataTypes.INT()),
            DataTypes.FIELD("sp", DataTypes.MAP(DataTypes.INT(), DataTypes.FLOAT())));
    RowDataConverter c = new RowDataConverter(t, "id", "vector", "sp", Set.of());
    Document d =
        ((ShoalWrite.Upsert)
                c.convert(row(RowKind.INSERT, 3, new GenericMapData(Map.of(5, 0.25f)))))
            .document();
    assertThat(d.sparse()).isEqualTo(SparseVector.of(new int[] {5}, new float[] {0.25f}));
  }

  @Test
  void aNullVectorElementNamesTheColumnTheIdAndThePosition() {
    assertThatThrownBy(
            () ->
                floats.convert(
                    row(
                        RowKind.INSERT,
                        s("doc-9"),
                        new GenericArrayData(new Float[] {1f, null}),
                        null,
                        null,
                        null)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("embedding")
        .hasMessageContaining("doc-9")
        .hasMessageContaining("position 1");
  }

  @Test
  void aNullElementInAnAttributeArrayIsRejectedNamingTheId() {
    assertThatThrownBy(
            () ->
                floats.convert(
                    row(
                        RowKind.INSERT,
                        s("doc-3"),
                        null,
                        null,
                        null,
                        new GenericArrayData(new Object[] {s("x"), null}))))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("doc-3")
        .hasMessageContaining("tags");
  }

  @Test
  void aNullIdIsAClearErrorForUpsertsAndDeletes() {
    for (RowKind kind : List.of(RowKind.INSERT, RowKind.DELETE)) {
      assertThatThrownBy(() -> floats.convert(row(kind, null, null, null, 1, null)))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("id column id is NULL")
          .hasMessageContaining(kind.name());
    }
  }

  @Test
  void badColumnsAreRejectedUpFrontWithTheColumnName() {
    assertThatThrownBy(() -> new RowDataConverter(FLOATS, "missing", "embedding", null, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no column missing");
    assertThatThrownBy(() -> new RowDataConverter(FLOATS, "id", "body", null, Set.of()))
        .hasMessageContaining("vector.field")
        .hasMessageContaining("body");
    assertThatThrownBy(() -> new RowDataConverter(FLOATS, "tags", "embedding", null, Set.of()))
        .hasMessageContaining("id.field");
    assertThatThrownBy(() -> new RowDataConverter(FLOATS, "id", "embedding", null, Set.of("n")))
        .hasMessageContaining("text.fields");
    RowType nested =
        type(
            DataTypes.FIELD("id", DataTypes.STRING()),
            DataTypes.FIELD("m", DataTypes.MAP(DataTypes.STRING(), DataTypes.STRING())));
    assertThatThrownBy(() -> new RowDataConverter(nested, "id", "vector", null, Set.of()))
        .hasMessageContaining("column m");
  }
}
