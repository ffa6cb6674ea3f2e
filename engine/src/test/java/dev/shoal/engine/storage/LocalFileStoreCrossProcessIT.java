package dev.shoal.engine.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs race {@code putIfAbsent} on the same keys in one folder: the hard-link create must have
 * exactly one winner per key across processes, not only across threads.
 */
class LocalFileStoreCrossProcessIT {
  private static final int ROUNDS = 300;
  private static final int THREADS = 3;

  @TempDir Path temp;

  @Test
  void putIfAbsentHasExactlyOneWinnerPerKeyAcrossProcesses() throws Exception {
    Path root = temp.resolve("store");
    Path go = temp.resolve("go");
    List<Process> children = new ArrayList<>();
    try {
      for (String name : List.of("p1", "p2")) {
        children.add(startChild(root, go, name));
      }
      List<BufferedReader> outputs = new ArrayList<>();
      for (Process child : children) {
        BufferedReader output =
            new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
        assertThat(output.readLine()).isEqualTo("ready");
        outputs.add(output);
      }
      Files.createFile(go);

      Map<String, List<String>> winners = new HashMap<>();
      Map<String, Integer> winsPerProcess = new HashMap<>();
      for (int c = 0; c < children.size(); c++) {
        String line;
        while ((line = outputs.get(c).readLine()) != null) {
          String[] parts = line.split(" ");
          assertThat(parts).as(line).hasSize(3).startsWith("won");
          winners.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(parts[2]);
          winsPerProcess.merge(parts[2].substring(0, 2), 1, Integer::sum);
        }
        Process child = children.get(c);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
      }

      try (LocalFileStore store = new LocalFileStore(root)) {
        for (int round = 0; round < ROUNDS; round++) {
          String key = "race/" + round;
          assertThat(winners.get(key)).as("winners of %s", key).hasSize(1);
          assertThat(store.get(key))
              .isEqualTo(LocalFileStoreRaceChild.payload(winners.get(key).get(0), key));
        }
        assertThat(store.list("")).hasSize(ROUNDS);
      }
      // Both processes won some keys, so the race really crossed process boundaries.
      assertThat(winsPerProcess).containsOnlyKeys("p1", "p2");
    } finally {
      for (Process child : children) {
        child.destroyForcibly();
      }
    }
  }

  private static Process startChild(Path root, Path go, String name) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(
            java.toString(),
            "-Xmx128m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            LocalFileStoreRaceChild.class.getName(),
            root.toString(),
            go.toString(),
            name,
            Integer.toString(ROUNDS),
            Integer.toString(THREADS))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }
}
