package dev.shoal.kafka;

import dev.shoal.kafka.write.SinkWriter;

/** Lets tests outside this package reach a task's writer (to flush it, or ask if it is fenced). */
public final class SinkTaskAccess {
  private SinkTaskAccess() {}

  public static SinkWriter writer(ShoalSinkTask task) {
    return task.writer();
  }
}
