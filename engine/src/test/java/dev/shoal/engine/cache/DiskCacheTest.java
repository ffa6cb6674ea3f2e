package dev.shoal.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskCacheTest {
  @TempDir Path dir;

  private static byte[] bytes(int n, int fill) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) fill);
    return b;
  }

  private long bytesOfFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Test
  void servesWhatAnEarlierInstanceCachedInTheSameFolder() {
    new DiskCache(dir, 10_000).put("acme/x/ns/a/segments/1.seg", bytes(100, 1));

    DiskCache restarted = new DiskCache(dir, 10_000);

    assertThat(restarted.get("acme/x/ns/a/segments/1.seg")).isEqualTo(bytes(100, 1));
    assertThat(restarted.usedBytes()).isEqualTo(100);
  }

  @Test
  void restartWithASmallerBudgetEvictsDownToIt() throws IOException {
    DiskCache first = new DiskCache(dir, 10_000);
    for (int i = 0; i < 20; i++) {
      first.put("k/" + i, bytes(100, i));
    }
    assertThat(bytesOfFiles()).isEqualTo(2_000);

    DiskCache smaller = new DiskCache(dir, 500);
    smaller.cleanUp();

    assertThat(smaller.usedBytes()).isLessThanOrEqualTo(500);
    assertThat(bytesOfFiles()).isLessThanOrEqualTo(500);
    assertThat(smaller.evictions()).isPositive();
  }

  @Test
  void startLeavesAFreshTemporaryFileOfAnotherProcessAlone() throws IOException {
    // A process sharing the folder is writing this file right now: deleting it would fail its
    // rename. A temporary file from an hour ago is a crashed write's and goes.
    Path fresh = Files.write(dir.resolve(".in-flight.tmp"), bytes(10, 1));
    Path stale = Files.write(dir.resolve(".crashed.tmp"), bytes(10, 2));
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

    new DiskCache(dir, 10_000);

    assertThat(fresh).exists();
    assertThat(stale).doesNotExist();
  }

  @Test
  void neverKeepsAnObjectLargerThanTheBudget() throws IOException {
    DiskCache cache = new DiskCache(dir, 100);

    cache.put("big", bytes(101, 1));

    assertThat(cache.get("big")).isNull();
    assertThat(bytesOfFiles()).isZero();
  }
}
