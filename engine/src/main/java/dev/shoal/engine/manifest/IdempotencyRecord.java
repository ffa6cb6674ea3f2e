package dev.shoal.engine.manifest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The remembered result of a write that carried an idempotency key. Kept in the manifest, so it is
 * committed atomically with the write itself; a retry with the same key returns this result.
 *
 * @param keyHash hex SHA-256 prefix of the client's key (the key itself is not stored)
 */
public record IdempotencyRecord(
    @JsonProperty("key_hash") String keyHash,
    @JsonProperty("version") long version,
    @JsonProperty("first_seq") long firstSeq,
    @JsonProperty("last_seq") long lastSeq,
    @JsonProperty("records") long records,
    @JsonProperty("at_ms") long atMillis) {

  public IdempotencyRecord {
    requireNonNull(keyHash, "keyHash is null");
  }
}
