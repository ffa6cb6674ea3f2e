package dev.shoal.engine.manifest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An object this namespace no longer uses but has not deleted yet: readers pinned to an older
 * manifest version may still read it until the retention period has passed. The key may name a
 * {@link GarbageList} (see {@link NamespaceLayout#isGarbageList}), which stands for every key it
 * lists as well as itself.
 */
public record GarbageRef(
    @JsonProperty("key") String key, @JsonProperty("dropped_at_ms") long droppedAtMillis) {
  public GarbageRef {
    requireNonNull(key, "key is null");
  }
}
