package dev.shoal.engine;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.shoal.engine.ConcurrentWritersTest.Log;
import dev.shoal.engine.storage.LocalFileStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A writer process of {@link CrossProcessWritersIT}: opens engines on a {@link LocalFileStore},
 * prints {@code ready}, waits for {@code go} on its standard input, runs {@link
 * ConcurrentWritersTest#writeLoop} threads for a bounded time, saves what it observed to a file and
 * prints {@code done}. Any failure is printed to standard error and exits with status 1.
 *
 * <p>Arguments: store root, log file, process name, engines, threads per engine, run time in
 * milliseconds, seed, and the writer ids its fencer steals (comma-separated, or {@code -} for
 * none).
 */
public final class CrossProcessWritersChild {
  private CrossProcessWritersChild() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    Path logFile = Path.of(args[1]);
    String name = args[2];
    int engines = Integer.parseInt(args[3]);
    int threads = Integer.parseInt(args[4]);
    long runMillis = Long.parseLong(args[5]);
    long seed = Long.parseLong(args[6]);
    List<String> victims = args[7].equals("-") ? List.of() : Arrays.asList(args[7].split(","));
    PrintStream out = new PrintStream(System.out, true, UTF_8);
    try (LocalFileStore store = new LocalFileStore(root)) {
      List<Engine> opened = new ArrayList<>();
      try {
        for (int e = 0; e < engines; e++) {
          opened.add(CrossProcessWritersIT.engine(store));
        }
        out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
        String go = in.readLine();
        if (!"go".equals(go)) {
          throw new IllegalStateException("Cannot start writers: expected go, read " + go);
        }
        Log log = run(opened, name, threads, runMillis, seed, victims);
        log.save(logFile);
        out.println("done");
      } finally {
        opened.forEach(Engine::close);
      }
    } catch (Throwable t) {
      System.err.println("Writer process " + name + " failed (seed " + seed + "):");
      t.printStackTrace();
      System.exit(1);
    }
  }

  /**
   * Runs {@code threads} writers on each engine for {@code runMillis}; writer {@code
   * w-<name>-<engine>-<thread>}, and the fencer (thread 0 of engine 0) steals {@code victims}.
   * Shared with the parent process, which runs its own engines the same way.
   */
  static Log run(
      List<Engine> engines,
      String name,
      int threads,
      long runMillis,
      long seed,
      List<String> victims)
      throws InterruptedException {
    Log log = new Log();
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    List<Thread> workers = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(runMillis);
    for (int e = 0; e < engines.size(); e++) {
      for (int t = 0; t < threads; t++) {
        Engine engine = engines.get(e);
        String writer = CrossProcessWritersIT.writerId(name, e, t);
        Random random = new Random(seed * 31 + name.hashCode() * 17L + e * 7L + t);
        List<String> steals = e == 0 && t == 0 ? victims : List.of();
        String tag = name + "e" + e + "t" + t;
        Thread worker =
            new Thread(
                () -> {
                  try {
                    ConcurrentWritersTest.writeLoop(
                        engine,
                        writer,
                        random,
                        steals,
                        w -> System.nanoTime() < deadline,
                        log,
                        tag);
                  } catch (Throwable x) {
                    errors.add(x);
                  }
                },
                "writer-" + writer);
        workers.add(worker);
        worker.start();
      }
    }
    for (Thread w : workers) {
      w.join();
    }
    if (!errors.isEmpty()) {
      AssertionError failure =
          new AssertionError("writer of process " + name + " failed (seed " + seed + ")");
      errors.forEach(failure::addSuppressed);
      throw failure;
    }
    return log;
  }
}
