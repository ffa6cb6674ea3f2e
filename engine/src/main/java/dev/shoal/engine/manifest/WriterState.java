package dev.shoal.engine.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a manifest remembers of one exactly-once writer (a Kafka partition, a Flink subtask).
 *
 * @param epoch the current claim; writes with an older epoch are fenced
 * @param position the last applied position (Kafka offset, Flink checkpoint id), or null if none
 *     yet
 * @param updatedAtMillis when this entry last changed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WriterState(
    @JsonProperty("epoch") long epoch,
    @JsonProperty("position") Long position,
    @JsonProperty("updated_at_ms") long updatedAtMillis) {

  public WriterState {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch is negative: " + epoch);
    }
  }
}
