package dev.shoal.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.Engine;
import dev.shoal.engine.NamespaceNotFoundException;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.flink.internal.S3Settings;
import dev.shoal.flink.internal.StoreUri;
import dev.shoal.flink.testing.Changes;
import dev.shoal.flink.testing.Jobs;
import dev.shoal.flink.testing.NamespaceContents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A job is cancelled mid-stream with its checkpoints retained, and a second job restores the latest
 * one at another parallelism. Committables of subtasks that no longer exist (3 to 1) are committed
 * under their own writer ids; new subtasks (2 to 3) start writer ids of their own. With
 * exactly-once the namespace ends with exactly one WAL record per event.
 */
class ShoalSinkRescaleIT {
  private static final int EVENTS = 24_000;
  private static final NamespacePath NS = NamespacePath.parse("acme/search/rescale");

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(4)
              .build());

  @TempDir Path checkpoints;
  @TempDir Path store;

  @ParameterizedTest(name = "{0} from parallelism {1} to {2}")
  @CsvSource({"EXACTLY_ONCE, 2, 3", "EXACTLY_ONCE, 3, 1", "AT_LEAST_ONCE, 3, 1"})
  void restoresARetainedCheckpointAtAnotherParallelism(
      DeliveryGuarantee guarantee, int before, int after) throws Exception {
    String uri = store.toUri().toString();

    StreamExecutionEnvironment first = env(before, null);
    Jobs.sink(Jobs.source(first, Changes::distinct, EVENTS, 3_000), sink(uri, guarantee));
    JobClient job = first.executeAsync("rescale, first run");
    Path checkpoint = awaitCommittedCheckpoint(uri, job, 3);
    job.cancel().get();
    checkpoint = latestCheckpoint(job).orElse(checkpoint);

    StreamExecutionEnvironment second = env(after, checkpoint);
    Jobs.sink(Jobs.source(second, Changes::distinct, EVENTS, 50_000), sink(uri, guarantee));
    second.execute("rescale, restored");

    List<Changes.Event> events = new ArrayList<>();
    for (long i = 0; i < EVENTS; i++) {
      events.add(Changes.distinct(i));
    }
    try (Engine engine = engine(uri)) {
      assertThat(NamespaceContents.read(engine, NS)).isEqualTo(Changes.expected(events));
      long walRecords = engine.getNamespace(NS).walRecords();
      if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
        assertThat(walRecords).as("WAL records: each event applied once").isEqualTo(EVENTS);
        assertWriterPositions(engine, before, after, id(checkpoint));
      } else {
        assertThat(walRecords).isGreaterThanOrEqualTo(EVENTS);
      }
    }
    assertNoOrphansAfterRepair(uri, Changes.expected(events), guarantee);
  }

  /**
   * Positions are {@code base + checkpoint id} per writer id {@code flink/<uid>/<subtask>}: the
   * subtasks of the restored job committed checkpoints after the restored one, and subtasks that
   * only existed before a downscale keep what the restored checkpoint committed for them.
   */
  private static void assertWriterPositions(
      Engine engine, int before, int after, long restoredCheckpoint) {
    for (int s = 0; s < Math.max(before, after); s++) {
      var position = engine.writerPosition(NS, "flink/rescale/" + s);
      assertThat(position).as("position of subtask %d", s).isPresent();
      if (s < after) {
        assertThat(position.getAsLong())
            .as("subtask %d committed after the restored checkpoint %d", s, restoredCheckpoint)
            .isGreaterThan(restoredCheckpoint);
      } else {
        assertThat(position.getAsLong())
            .as("subtask %d, gone after the restore, stops at checkpoint %d", s, restoredCheckpoint)
            .isBetween(1L, restoredCheckpoint);
      }
    }
    assertThat(engine.writerPosition(NS, "flink/rescale/" + Math.max(before, after))).isEmpty();
    assertThat(engine.writerPosition(NS, "flink/other-uid/0")).isEmpty();
  }

  /**
   * The cancelled run leaves staged objects of its last, never completed checkpoint at most; a
   * repair sweep reclaims them without touching committed data, and after it nothing is left to
   * sweep.
   */
  private static void assertNoOrphansAfterRepair(
      String uri, java.util.Map<String, ?> expected, DeliveryGuarantee guarantee) throws Exception {
    Thread.sleep(1_100); // past the sweep grace period below
    try (Engine engine =
        Engine.builder()
            .store(new StoreUri(uri, S3Settings.NONE).open())
            .config(
                dev.shoal.engine.EngineConfig.defaults().toBuilder()
                    .sweepGracePeriod(Duration.ofSeconds(1))
                    .build())
            .build()) {
      long walBefore = engine.getNamespace(NS).walRecords();
      engine.repair(NS.org(), NS.project(), true);
      assertThat(engine.repair(NS.org(), NS.project(), true).sweptObjects())
          .as("objects left to sweep after a repair")
          .isZero();
      assertThat(NamespaceContents.read(engine, NS)).isEqualTo(expected);
      assertThat(engine.getNamespace(NS).walRecords()).isEqualTo(walBefore);
    }
  }

  private StreamExecutionEnvironment env(int parallelism, Path restoreFrom) {
    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    if (restoreFrom != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toUri().toString());
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    env.enableCheckpointing(150);
    return env;
  }

  private static ShoalSink<Changes.Event> sink(String uri, DeliveryGuarantee guarantee) {
    return ShoalSink.<Changes.Event>builder()
        .storeUri(uri)
        .namespace(NS.toString())
        .converter(Changes::toWrite)
        .compaction(false) // keeps every WAL record countable
        .deliveryGuarantee(guarantee)
        .sinkUid("rescale")
        .batchMaxDocs(400)
        .flushInterval(Duration.ofMillis(100))
        .build();
  }

  /** Waits until some data is committed and checkpoint {@code n} or a later one is retained. */
  private Path awaitCommittedCheckpoint(String uri, JobClient job, int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (Engine engine = engine(uri)) {
      while (System.nanoTime() < deadline) {
        Optional<Path> latest = latestCheckpoint(job);
        if (latest.isPresent() && id(latest.get()) >= n && committed(engine) > 0) {
          return latest.get();
        }
        if (job.getJobStatus().get().isTerminalState()) {
          throw new AssertionError("The first job ended before it could be cancelled");
        }
        Thread.sleep(20);
      }
    }
    throw new AssertionError("No committed checkpoint within 30 s");
  }

  private static long id(Path checkpoint) {
    return Long.parseLong(checkpoint.getFileName().toString().substring(4));
  }

  private static long committed(Engine engine) {
    try {
      return engine.getNamespace(NS).walRecords();
    } catch (NamespaceNotFoundException e) {
      return 0;
    }
  }

  private Optional<Path> latestCheckpoint(JobClient job) throws IOException {
    try (Stream<Path> dirs = completed(job)) {
      return dirs.max(Comparator.comparingLong(ShoalSinkRescaleIT::id));
    }
  }

  private Stream<Path> completed(JobClient job) throws IOException {
    Path dir = checkpoints.resolve(job.getJobID().toString());
    if (!Files.isDirectory(dir)) {
      return Stream.empty();
    }
    return Files.list(dir)
        .filter(p -> p.getFileName().toString().startsWith("chk-"))
        .filter(p -> Files.exists(p.resolve("_metadata")));
  }

  private static Engine engine(String uri) {
    return Engine.builder().store(new StoreUri(uri, S3Settings.NONE).open()).build();
  }
}
