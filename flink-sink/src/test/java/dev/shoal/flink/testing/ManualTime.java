package dev.shoal.flink.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.operators.ProcessingTimeService;

/** Processing time that moves only when a test says so; timers fire on the caller's thread. */
public final class ManualTime implements ProcessingTimeService {
  private record Timer(long at, ProcessingTimeCallback callback) {}

  private final List<Timer> timers = new ArrayList<>();
  private long now;

  @Override
  public long getCurrentProcessingTime() {
    return now;
  }

  @Override
  public ScheduledFuture<?> registerTimer(long timestamp, ProcessingTimeCallback callback) {
    timers.add(new Timer(timestamp, callback));
    return null;
  }

  /** Moves time forward and fires the timers that are due, in time order. */
  public void advance(long millis) throws Exception {
    now += millis;
    while (true) {
      Timer due = null;
      for (Timer t : timers) {
        if (t.at() <= now && (due == null || t.at() < due.at())) {
          due = t;
        }
      }
      if (due == null) {
        return;
      }
      timers.remove(due);
      due.callback().onProcessingTime(due.at());
    }
  }
}
