package dev.shoal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.storage.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Compactions that autoCompact schedules in the background. */
class BackgroundCompactionTest {
  private static final NamespacePath NS = NamespacePath.parse("acme/auto/docs");

  /** Runs each task at once on a thread of its own, like a pool with a free thread. */
  private static final class ThreadPerTask implements Executor {
    private final List<Thread> started = new ArrayList<>();

    @Override
    public synchronized void execute(Runnable task) {
      Thread t = new Thread(task, "background-" + started.size());
      t.setDaemon(true);
      started.add(t);
      t.start();
    }

    synchronized List<Thread> started() {
      return new ArrayList<>(started);
    }

    /** Joins every thread started so far but {@code except}, and those they start. */
    void joinAllBut(Thread except) throws InterruptedException {
      for (int joined = 0; ; ) {
        List<Thread> all = started();
        if (joined == all.size()) {
          return;
        }
        for (Thread t : all.subList(joined, all.size())) {
          if (t != except) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(t.isAlive()).as("%s finished within 30 s", t.getName()).isFalse();
          }
        }
        joined = all.size();
      }
    }
  }

  /** Holds segment writes and lease releases at gates the test opens. */
  private static final class GatedStore implements ObjectStore {
    private final ObjectStore delegate = new InMemoryObjectStore();
    final CountDownLatch segmentPutReached = new CountDownLatch(1);
    final CountDownLatch segmentPutGate = new CountDownLatch(1);
    final CountDownLatch leaseReleaseReached = new CountDownLatch(1);
    final CountDownLatch leaseReleaseGate = new CountDownLatch(1);
    volatile Thread atLeaseRelease;

    private static void pass(CountDownLatch reached, CountDownLatch gate) {
      reached.countDown();
      try {
        assertThat(gate.await(30, TimeUnit.SECONDS)).as("gate opened").isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void put(String key, byte[] data) {
      if (key.contains("/segments/")) {
        pass(segmentPutReached, segmentPutGate);
      } else if (key.contains("/leases/compaction/")) {
        atLeaseRelease = Thread.currentThread();
        pass(leaseReleaseReached, leaseReleaseGate);
      }
      delegate.put(key, data);
    }

    @Override
    public byte[] get(String key) {
      return delegate.get(key);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
      return delegate.getRange(key, offset, length);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
      return delegate.stat(key);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
      return delegate.putIfAbsent(key, data);
    }

    @Override
    public void delete(String key) {
      delegate.delete(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
      return delegate.list(prefix);
    }

    @Override
    public String describe() {
      return "gated";
    }
  }

  private static void write(Engine engine, int batch) {
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      docs.add(Document.of("b" + batch + "d" + i, new float[] {batch, i}, Map.of()));
    }
    engine.write(NS, WriteRequest.upsert(docs));
  }

  @Test
  void batchesAppendedDuringACompactionAreCompactedOnceItEnds() throws Exception {
    GatedStore store = new GatedStore();
    ThreadPerTask background = new ThreadPerTask();
    try (Engine engine =
        Engine.builder()
            .store(store)
            .config(
                EngineConfig.builder()
                    .autoCompact(true)
                    .walCompactThreshold(2)
                    .segmentCompactThreshold(100)
                    .build())
            .backgroundExecutor(background)
            .build()) {
      write(engine, 1);
      write(engine, 2); // due: a compaction starts and stops before writing its segment
      assertThat(store.segmentPutReached.await(30, TimeUnit.SECONDS)).isTrue();
      write(engine, 3);
      write(engine, 4); // due again while the first compaction runs
      store.segmentPutGate.countDown();
      // The first compaction has committed and still holds the lease: whatever else was started
      // meanwhile runs to its end now.
      assertThat(store.leaseReleaseReached.await(30, TimeUnit.SECONDS)).isTrue();
      background.joinAllBut(store.atLeaseRelease);
      store.leaseReleaseGate.countDown();
      background.joinAllBut(null);

      NamespaceInfo info = engine.getNamespace(NS);
      assertThat(info.walFiles()).as("WAL batches left uncompacted").isZero();
      assertThat(info.docCount()).isEqualTo(40);
    }
  }
}
