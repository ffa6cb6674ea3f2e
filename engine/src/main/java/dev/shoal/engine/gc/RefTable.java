package dev.shoal.engine.gc;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One version of a project's table of shared objects: for each object referenced by more than one
 * namespace (after a branch), the namespaces that reference it and when each was added.
 *
 * <p>An object that is not in the table is referenced by at most one namespace, which may delete it
 * as soon as it stops referencing it. Keeping single-owner objects out of the table keeps it off
 * the write path: only branches, deletes of shared objects and repair change it.
 *
 * @param refs object key -> (namespace name -> epoch millis when the reference was added)
 */
public record RefTable(
    @JsonProperty("format_version") int formatVersion,
    @JsonProperty("version") long version,
    @JsonProperty("commit_id") String commitId,
    @JsonProperty("refs") Map<String, Map<String, Long>> refs) {

  public static final int FORMAT_VERSION = 1;

  public RefTable {
    requireNonNull(commitId, "commitId is null");
    TreeMap<String, Map<String, Long>> copy = new TreeMap<>();
    if (refs != null) {
      refs.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new TreeMap<>(v))));
    }
    refs = Collections.unmodifiableMap(copy);
  }

  public static RefTable empty() {
    return new RefTable(FORMAT_VERSION, 0, "", Map.of());
  }

  /** A mutable copy of the references, for building the next version. */
  public Map<String, Map<String, Long>> mutableRefs() {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    refs.forEach((k, v) -> out.put(k, new TreeMap<>(v)));
    return out;
  }
}
