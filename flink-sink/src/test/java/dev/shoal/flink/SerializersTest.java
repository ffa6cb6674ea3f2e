package dev.shoal.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.StagedBatch;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.flink.committer.ShoalCommittable;
import dev.shoal.flink.committer.ShoalCommittableSerializer;
import dev.shoal.flink.writer.ShoalWriterState;
import dev.shoal.flink.writer.ShoalWriterStateSerializer;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SerializersTest {
  private static final NamespacePath NS = NamespacePath.parse("acme/search/docs");

  @Test
  void committableRoundTrips() throws IOException {
    ShoalCommittableSerializer s = new ShoalCommittableSerializer();
    ShoalCommittable c =
        new ShoalCommittable(
            "flink/uid/2",
            NS,
            17,
            57,
            List.of(
                new StagedBatch(NS, "acme/search/ns/docs/wal/a.wal", 10, 1234, 128),
                new StagedBatch(NS, "acme/search/ns/docs/wal/b.wal", 1, 99, 0)));
    assertThat(s.getVersion()).isEqualTo(1);
    assertThat(s.deserialize(1, s.serialize(c))).isEqualTo(c);
  }

  @Test
  void committableOfAnUnknownVersionOrCorruptBytesIsRefused() throws IOException {
    ShoalCommittableSerializer s = new ShoalCommittableSerializer();
    byte[] bytes =
        s.serialize(
            new ShoalCommittable(
                "w",
                NS,
                1,
                1,
                List.of(new StagedBatch(NS, "acme/search/ns/docs/wal/a.wal", 1, 1, 0))));
    assertThatThrownBy(() -> s.deserialize(2, bytes))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(
            "Cannot read a Shoal committable of version 2: this sink reads version 1");
    bytes[0] = 0;
    assertThatThrownBy(() -> s.deserialize(1, bytes))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("Cannot read a Shoal committable: bad magic");
  }

  @Test
  void writerStateRoundTrips() throws IOException {
    ShoalWriterStateSerializer s = new ShoalWriterStateSerializer();
    ShoalWriterState state = new ShoalWriterState("flink/uid/0", 42);
    assertThat(s.deserialize(s.getVersion(), s.serialize(state))).isEqualTo(state);
    assertThatThrownBy(() -> s.deserialize(9, s.serialize(state)))
        .hasMessageStartingWith("Cannot read Shoal writer state of version 9");
  }
}
