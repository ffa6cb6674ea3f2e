package dev.shoal.examples.flink;

import dev.shoal.examples.Embeddings;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code EMBED(text)} in Flink SQL: the example embedding of a text, {@code ARRAY<FLOAT NOT NULL>}
 * of 128 elements ({@link Embeddings#embed}).
 */
public final class EmbedFunction extends ScalarFunction {
  public float[] eval(String text) {
    return Embeddings.embed(text == null ? "" : text);
  }
}
