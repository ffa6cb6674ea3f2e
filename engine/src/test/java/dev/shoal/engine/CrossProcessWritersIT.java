package dev.shoal.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.ConcurrentWritersTest.Acked;
import dev.shoal.engine.ConcurrentWritersTest.Log;
import dev.shoal.engine.storage.LocalFileStore;
import dev.shoal.engine.storage.ObjectStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three JVMs (this one and two children) write one namespace on one {@link LocalFileStore} folder
 * for a bounded time: random upserts, most with writer positions, some replaying a position (must
 * be deduplicated), while a fencer in each process steals writer ids owned by the other processes.
 * Afterwards the WAL must hold every acknowledged write exactly once, in sequence order, nothing
 * deduplicated or fenced, and the stored writer positions must be the last acknowledged ones: the
 * same checks as {@link ConcurrentWritersTest}, with the manifest compare-and-swap crossing process
 * boundaries.
 *
 * <p>Seeded ({@code -Dshoal.test.seed}); the seed is printed and in every failure message. The run
 * time per process is {@code -Dshoal.test.runMillis} (default 4000).
 */
class CrossProcessWritersIT {
  private static final List<String> PROCESSES = List.of("p0", "p1", "p2"); // p0 is this JVM
  private static final int ENGINES = 2;
  private static final int THREADS = 2;

  @TempDir Path temp;

  static Engine engine(ObjectStore store) {
    return Engine.builder()
        .store(store)
        .config(EngineConfig.builder().autoCompact(false).build())
        .build();
  }

  static String writerId(String process, int engine, int thread) {
    return "w-" + process + "-" + engine + "-" + thread;
  }

  /** Writer ids of the other processes, fencers (thread 0 of engine 0) excepted. */
  private static List<String> victimsOf(String process) {
    List<String> victims = new ArrayList<>();
    for (String other : PROCESSES) {
      if (!other.equals(process)) {
        for (int e = 0; e < ENGINES; e++) {
          for (int t = 0; t < THREADS; t++) {
            if (e != 0 || t != 0) {
              victims.add(writerId(other, e, t));
            }
          }
        }
      }
    }
    return victims;
  }

  @Test
  void writersInThreeProcessesKeepEveryAcknowledgedWriteExactlyOnce() throws Exception {
    long seed = Long.getLong("shoal.test.seed", new Random().nextLong());
    long runMillis = Long.getLong("shoal.test.runMillis", 4_000);
    System.out.println("CrossProcessWritersIT seed " + seed + " (-Dshoal.test.seed=" + seed + ")");
    String why = "seed " + seed;
    Path root = temp.resolve("store");
    Map<String, Process> children = new HashMap<>();
    Map<String, BufferedReader> outputs = new HashMap<>();
    try {
      for (String name : PROCESSES.subList(1, PROCESSES.size())) {
        Process child = startChild(root, temp.resolve(name + ".log"), name, runMillis, seed);
        children.put(name, child);
        outputs.put(name, new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8)));
      }
      for (String name : children.keySet()) {
        assertThat(outputs.get(name).readLine())
            .as("process %s starts (%s)", name, why)
            .isEqualTo("ready");
      }

      Log all;
      try (LocalFileStore store = new LocalFileStore(root)) {
        List<Engine> engines = new ArrayList<>();
        try {
          for (int e = 0; e < ENGINES; e++) {
            engines.add(engine(store));
          }
          for (Process child : children.values()) {
            Writer in = child.outputWriter(UTF_8);
            in.write("go\n");
            in.flush();
          }
          all =
              CrossProcessWritersChild.run(
                  engines, PROCESSES.get(0), THREADS, runMillis, seed, victimsOf(PROCESSES.get(0)));
        } finally {
          engines.forEach(Engine::close);
        }
      }
      Map<String, Integer> ackedPerProcess = new HashMap<>();
      ackedPerProcess.put(PROCESSES.get(0), all.acked.size());
      for (Map.Entry<String, Process> c : children.entrySet()) {
        String name = c.getKey();
        assertThat(outputs.get(name).readLine())
            .as("process %s finishes (%s)", name, why)
            .isEqualTo("done");
        assertThat(c.getValue().waitFor(120, TimeUnit.SECONDS)).as(why).isTrue();
        assertThat(c.getValue().exitValue()).as("exit status of %s (%s)", name, why).isZero();
        Log log = Log.load(temp.resolve(name + ".log"));
        ackedPerProcess.put(name, log.acked.size());
        all.addAll(log);
      }

      try (LocalFileStore store = new LocalFileStore(root)) {
        ConcurrentWritersTest.verify(store, all, seed);
      }
      System.out.println(
          "CrossProcessWritersIT acknowledged writes per process "
              + ackedPerProcess
              + ", fenced "
              + all.fenced
              + ", deduplicated "
              + all.deduplicated);
      assertThat(ackedPerProcess.values())
          .as("every process committed writes (%s)", why)
          .allSatisfy(n -> assertThat(n).isPositive());
      assertThat(all.fenced)
          .as("writers were fenced across processes (%s)", why)
          .hasPositiveValue();
      assertThat(all.deduplicated).as("replays were deduplicated (%s)", why).hasPositiveValue();
      assertThat(sequencesInterleave(all))
          .as("commits of different processes interleave (%s)", why)
          .isTrue();
    } finally {
      for (Process child : children.values()) {
        child.destroyForcibly();
      }
    }
  }

  /** Whether some process's write sits between two writes of another in sequence order. */
  private static boolean sequencesInterleave(Log log) {
    List<Acked> bySeq = new ArrayList<>(log.acked);
    bySeq.sort((a, b) -> Long.compare(a.result().firstSeq(), b.result().firstSeq()));
    int switches = 0;
    String last = null;
    for (Acked a : bySeq) {
      String process = a.ids().get(0).substring(0, 2);
      if (last != null && !last.equals(process)) {
        switches++;
      }
      last = process;
    }
    return switches >= PROCESSES.size();
  }

  private static Process startChild(Path root, Path log, String name, long runMillis, long seed)
      throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(
            java.toString(),
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            CrossProcessWritersChild.class.getName(),
            root.toString(),
            log.toString(),
            name,
            Integer.toString(ENGINES),
            Integer.toString(THREADS),
            Long.toString(runMillis),
            Long.toString(seed),
            String.join(",", victimsOf(name)))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }
}
