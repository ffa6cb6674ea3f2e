package dev.shoal.kafka.mapping;

import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A record Shoal cannot store: it has no usable id, a malformed value, a bad vector, an invalid
 * namespace. Never thrown for a transient fault. The message names the record by its original
 * topic, partition and offset, so a dead-letter queue entry or a failed task points at it.
 */
public class RejectedRecordException extends DataException {
  private static final long serialVersionUID = 1L;

  public RejectedRecordException(SinkRecord record, String reason) {
    this(record, reason, null);
  }

  public RejectedRecordException(SinkRecord record, String reason, Throwable cause) {
    super("Cannot write record " + coordinates(record) + " to Shoal: " + reason, cause);
  }

  /** {@code (topic orders, partition 3, offset 1234)}, using the record's original coordinates. */
  public static String coordinates(SinkRecord record) {
    StringBuilder sb = new StringBuilder("(topic ");
    sb.append(record.originalTopic())
        .append(", partition ")
        .append(record.originalKafkaPartition())
        .append(", offset ")
        .append(record.originalKafkaOffset());
    if (!record.originalTopic().equals(record.topic())) {
      sb.append(", transformed topic ").append(record.topic());
    }
    return sb.append(')').toString();
  }
}
