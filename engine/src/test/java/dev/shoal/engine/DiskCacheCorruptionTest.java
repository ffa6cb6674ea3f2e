package dev.shoal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.cache.DiskCache;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.query.QueryRequest;
import dev.shoal.engine.query.QueryRow;
import dev.shoal.engine.storage.CountingObjectStore;
import dev.shoal.engine.storage.InMemoryObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged disk cache (a torn write after a power loss, a flipped bit, bytes a faulty fetch
 * cached) costs a read from the store, never a failed query or wrong data: objects are fetched
 * again and the cached copy replaced.
 */
class DiskCacheCorruptionTest {
  private static final NamespacePath NS = NamespacePath.parse("acme/diskcache/docs");

  @TempDir Path cacheDir;

  private final CountingObjectStore store = new CountingObjectStore(new InMemoryObjectStore());

  private Engine engine() {
    return Engine.builder()
        .store(store)
        .config(
            EngineConfig.builder()
                .autoCompact(false)
                .walCompactThreshold(2)
                .diskCacheDir(cacheDir)
                .diskCacheBytes(10L << 20)
                .build())
        .build();
  }

  private static List<Document> docs(int from, int n) {
    List<Document> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      out.add(Document.of("d" + i, new float[] {i, 1, 2, 3}, Map.of("n", i, "text", "value " + i)));
    }
    return out;
  }

  /** A segment and a WAL batch, both read once so that they are in the disk cache. */
  private Manifest populated() {
    try (Engine engine = engine()) {
      engine.write(NS, WriteRequest.upsert(docs(0, 20)));
      engine.write(NS, WriteRequest.upsert(docs(20, 20)));
      engine.compact(NS, false);
      engine.write(NS, WriteRequest.upsert(docs(40, 5)));
      assertThat(rows(engine, NS)).hasSize(45);
    }
    return new ManifestStore(store, Clock.systemUTC(), Duration.ofMinutes(10), 10)
        .readLatest(NS, null)
        .orElseThrow();
  }

  private static List<QueryRow> rows(Engine engine, NamespacePath ns) {
    return engine.query(ns, QueryRequest.builder().topK(1000).includeVector(true).build()).rows();
  }

  private List<Path> cacheFiles() throws IOException {
    try (Stream<Path> files = Files.list(cacheDir)) {
      return files.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
    }
  }

  /** Flips one byte in the middle of every cached file. */
  private void flipAByteInEveryFile() throws IOException {
    for (Path p : cacheFiles()) {
      byte[] b = Files.readAllBytes(p);
      b[b.length / 2] ^= 0x5a;
      Files.write(p, b);
    }
  }

  @Test
  void aFlippedByteInACachedFileIsReadAgainFromTheStore() throws IOException {
    Manifest m = populated();
    assertThat(cacheFiles()).hasSizeGreaterThanOrEqualTo(2);
    flipAByteInEveryFile();
    store.reset();

    try (Engine restarted = engine()) {
      List<QueryRow> rows = rows(restarted, NS);

      assertThat(rows).hasSize(45);
      for (QueryRow r : rows) {
        int i = Integer.parseInt(r.id().substring(1));
        assertThat(r.vector()).containsExactly(i, 1, 2, 3);
      }
      for (String key : m.liveObjectKeys()) {
        assertThat(store.readsUnder(key)).as("fetched again: %s", key).isEqualTo(1);
      }
    }
    // The damaged copies were replaced: a third engine reads everything from the disk cache.
    store.reset();
    try (Engine third = engine()) {
      assertThat(rows(third, NS)).hasSize(45);
      for (String key : m.liveObjectKeys()) {
        assertThat(store.readsUnder(key)).as("served from disk: %s", key).isZero();
      }
    }
  }

  @Test
  void aCopyMadeFromADamagedCacheHoldsTheStoresBytes() throws IOException {
    populated();
    flipAByteInEveryFile();

    try (Engine restarted = engine()) {
      restarted.copy(NS, NS.sibling("copy"));
    }
    try (Engine other = engine()) {
      assertThat(rows(other, NS.sibling("copy"))).hasSize(45);
    }
  }

  @Test
  void anObjectThatDoesNotDecodeFromTheDiskCacheIsFetchedAgain() throws IOException {
    Manifest m = populated();
    // Intact files, wrong contents: as if a faulty fetch had been cached.
    DiskCache disk = new DiskCache(cacheDir, 10L << 20);
    for (String key : m.liveObjectKeys()) {
      disk.put(key, "not a shoal object".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    store.reset();

    try (Engine restarted = engine()) {
      assertThat(rows(restarted, NS)).hasSize(45);
      for (String key : m.liveObjectKeys()) {
        assertThat(store.readsUnder(key)).as("fetched again: %s", key).isEqualTo(1);
      }
    }
  }
}
