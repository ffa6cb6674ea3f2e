package dev.shoal.engine;

import static java.util.Objects.requireNonNull;

/**
 * The exactly-once coordinates a sink attaches to a write: which writer, under which claimed epoch,
 * up to which position of its input (a Kafka offset, a Flink checkpoint id). The manifest stores
 * the position in the same commit as the data, so a replay at or below it is a no-op.
 *
 * @param writerId for example {@code kafka/<connector>/<topic>/<partition>}
 * @param epoch the epoch {@link Engine#claimWriter} returned to this instance
 * @param position the input position this write covers, non-negative and increasing
 */
public record WriterPosition(String writerId, long epoch, long position) {
  public static final int MAX_WRITER_ID_LENGTH = 512;

  public WriterPosition {
    validateWriterId(writerId);
    if (epoch < 1) {
      throw new InvalidRequestException(
          "Invalid writer position for " + writerId + ": epoch " + epoch + " was never claimed");
    }
    if (position < 0) {
      throw new InvalidRequestException(
          "Invalid writer position for " + writerId + ": position " + position + " is negative");
    }
  }

  static String validateWriterId(String writerId) {
    requireNonNull(writerId, "writerId is null");
    if (writerId.isEmpty() || writerId.length() > MAX_WRITER_ID_LENGTH) {
      throw new InvalidRequestException(
          "Invalid writer id: must be 1 to " + MAX_WRITER_ID_LENGTH + " characters");
    }
    for (int i = 0; i < writerId.length(); i++) {
      if (Character.isISOControl(writerId.charAt(i))) {
        throw new InvalidRequestException("Invalid writer id: contains a control character");
      }
    }
    return writerId;
  }
}
