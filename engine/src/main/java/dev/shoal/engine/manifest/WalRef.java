package dev.shoal.engine.manifest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A WAL batch as a manifest references it: the object and the sequence numbers its records got at
 * commit ({@code firstSeq} to {@code firstSeq + records - 1}, in record order).
 */
public record WalRef(
    @JsonProperty("key") String key,
    @JsonProperty("first_seq") long firstSeq,
    @JsonProperty("records") int records,
    @JsonProperty("bytes") long bytes) {

  public WalRef {
    requireNonNull(key, "key is null");
    if (firstSeq < 1 || records < 1 || bytes < 0) {
      throw new IllegalArgumentException(
          "Invalid WAL reference " + key + ": first_seq " + firstSeq + ", records " + records);
    }
  }

  public long lastSeq() {
    return firstSeq + records - 1;
  }
}
