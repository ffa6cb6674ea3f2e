package dev.shoal.engine.storage;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The child process of {@link LocalFileStoreCrossProcessIT}: prints {@code ready}, waits for a go
 * file, then races {@code putIfAbsent} on keys {@code race/0..rounds-1} from several threads and
 * prints {@code won <key>} for each key it created.
 *
 * <p>Arguments: store root, go file, process name, rounds, threads.
 */
public final class LocalFileStoreRaceChild {
  private LocalFileStoreRaceChild() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    Path go = Path.of(args[1]);
    String name = args[2];
    int rounds = Integer.parseInt(args[3]);
    int threads = Integer.parseInt(args[4]);
    PrintStream out = new PrintStream(System.out, true, UTF_8);
    try (LocalFileStore store = new LocalFileStore(root)) {
      out.println("ready");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(go)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no go file " + go);
        }
        Thread.onSpinWait();
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String writer = name + "-" + t;
        results.add(
            pool.submit(
                () -> {
                  List<String> won = new ArrayList<>();
                  for (int round = 0; round < rounds; round++) {
                    String key = "race/" + round;
                    if (store.putIfAbsent(key, payload(writer, key))) {
                      won.add(key);
                    }
                  }
                  return won;
                }));
      }
      for (int t = 0; t < threads; t++) {
        for (String key : results.get(t).get(60, TimeUnit.SECONDS)) {
          out.println("won " + key + " " + name + "-" + t);
        }
      }
      pool.shutdown();
    }
  }

  /** What writer {@code writer} puts at {@code key}: a few KB, so that writes take a while. */
  static byte[] payload(String writer, String key) {
    return (writer + " " + key + " ").repeat(200).getBytes(UTF_8);
  }
}
