package dev.shoal.engine;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.model.NamespacePath;

/**
 * A WAL object written ahead of its commit (the first phase of a two-phase sink). It becomes
 * visible only when {@link Engine#commitStaged} commits it; an uncommitted one is an unreferenced
 * object that {@link Engine#discardStaged} or repair removes.
 *
 * @param namespace the namespace it was staged for
 * @param key its object key
 * @param records how many records it holds
 * @param bytes its size
 * @param dimension the vector dimension its records use, or 0
 */
public record StagedBatch(
    NamespacePath namespace, String key, int records, long bytes, int dimension) {
  public StagedBatch {
    requireNonNull(namespace, "namespace is null");
    requireNonNull(key, "key is null");
    if (records < 1) {
      throw new IllegalArgumentException("A staged batch holds at least one record: " + key);
    }
  }
}
