package dev.shoal.kafka.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class SinkTaskMetricsTest {
  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

  @Test
  void registersUnderTheConnectorAndTaskAndUnregistersOnClose() throws Exception {
    ObjectName name = SinkTaskMetrics.objectName("metrics-test", "0");
    try (SinkTaskMetrics metrics = new SinkTaskMetrics()) {
      metrics.register("metrics-test", "0");
      metrics.recordCommitted(3, 1, 2_000_000);
      assertThat(server.getAttribute(name, "RecordsWritten")).isEqualTo(3L);
      assertThat(server.getAttribute(name, "RecordsDeleted")).isEqualTo(1L);
    }
    assertThat(server.isRegistered(name)).isFalse();
  }

  @Test
  void aLingeringOldInstanceClosingDoesNotRemoveTheNewInstancesBean() throws Exception {
    ObjectName name = SinkTaskMetrics.objectName("metrics-zombie", "3");
    SinkTaskMetrics old = new SinkTaskMetrics();
    old.register("metrics-zombie", "3");
    old.recordCommitted(1, 0, 1);

    SinkTaskMetrics current = new SinkTaskMetrics();
    current.register("metrics-zombie", "3"); // the restarted task takes the name over
    current.recordCommitted(7, 0, 1);
    old.close(); // the old instance stops only now

    assertThat(server.isRegistered(name)).isTrue();
    assertThat(server.getAttribute(name, "RecordsWritten")).isEqualTo(7L);
    current.close();
    assertThat(server.isRegistered(name)).isFalse();
  }

  @Test
  void closingTwiceIsHarmless() {
    ObjectName name = SinkTaskMetrics.objectName("metrics-twice", "0");
    SinkTaskMetrics metrics = new SinkTaskMetrics();
    metrics.register("metrics-twice", "0");
    metrics.close();
    SinkTaskMetrics next = new SinkTaskMetrics();
    next.register("metrics-twice", "0");
    metrics.close();
    assertThat(server.isRegistered(name)).isTrue();
    next.close();
    assertThat(server.isRegistered(name)).isFalse();
  }
}
