package dev.shoal.flink;

import java.io.Serializable;

/**
 * Turns a stream record into the change it makes. Shipped to the task managers with the job, so it
 * must be serializable (a lambda is, when its captured values are).
 *
 * <p>Returning {@code null} ignores the record. Throwing (for example the {@link
 * dev.shoal.engine.InvalidRequestException} a {@link dev.shoal.engine.model.Document} constructor
 * throws for a missing id) marks the record invalid: the job fails with a message naming the
 * record, or the record is counted and skipped under {@link InvalidRecordPolicy#SKIP}.
 *
 * @param <T> the stream's record type
 */
@FunctionalInterface
public interface ShoalConverter<T> extends Serializable {
  ShoalWrite convert(T record) throws Exception;
}
