package dev.shoal.engine.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local disk tier: raw bytes of immutable objects in files under one folder, bounded by a byte
 * budget with least-recently-used eviction.
 *
 * <p>Only immutable objects (WAL batches, segments) are cached, so a cached file can never be
 * stale. Files are written to a temporary name and renamed into place, so a reader never sees a
 * partial file. The index of files lives in memory and is rebuilt from the folder on start, so the
 * cache survives restarts. Two processes may share a folder: each keeps its own index and budget
 * (together they may use up to the sum of their budgets); a file the other process evicted is just
 * a miss. Lost or unreadable files are misses too, never errors. Files are not synced to disk: a
 * file torn by a crash or damaged later fails the checksum every cached object carries, and {@link
 * ObjectCache} then reads the store and replaces it.
 *
 * <p>Thread-safe.
 */
public final class DiskCache {
  private static final Logger LOG = LoggerFactory.getLogger(DiskCache.class);
  private static final String SUFFIX = ".obj";
  static final Duration STALE_TEMP_AGE = Duration.ofHours(1);

  private final Path dir;
  private final long budgetBytes;
  private final Cache<String, Long> index;
  private final AtomicLong evictions = new AtomicLong();

  public DiskCache(Path dir, long budgetBytes) {
    this.dir = dir;
    this.budgetBytes = budgetBytes;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the disk cache folder " + dir, e);
    }
    this.index =
        Caffeine.newBuilder()
            .maximumWeight(budgetBytes)
            .weigher((String name, Long size) -> (int) Math.min(Integer.MAX_VALUE, size))
            .removalListener(
                (String name, Long size, RemovalCause cause) -> {
                  if (cause.wasEvicted()) {
                    evictions.incrementAndGet();
                    deleteQuietly(dir.resolve(name));
                  }
                })
            .executor(Runnable::run)
            .build();
    restore();
  }

  /**
   * Re-indexes files left by an earlier run, least recently modified first, and deletes temporary
   * files older than {@link #STALE_TEMP_AGE} (crashed writes). Younger ones may belong to a process
   * sharing the folder that is writing them now, so they are left alone.
   */
  private void restore() {
    List<Map.Entry<Path, BasicFileAttributes>> files = new ArrayList<>();
    long staleBefore = System.currentTimeMillis() - STALE_TEMP_AGE.toMillis();
    try (Stream<Path> stream = Files.list(dir)) {
      stream.forEach(
          p -> {
            try {
              String name = p.getFileName().toString();
              if (name.startsWith(".")) {
                if (Files.getLastModifiedTime(p).toMillis() < staleBefore) {
                  Files.deleteIfExists(p);
                }
              } else if (name.endsWith(SUFFIX)) {
                files.add(Map.entry(p, Files.readAttributes(p, BasicFileAttributes.class)));
              }
            } catch (IOException e) {
              LOG.debug("Skipping disk cache file {}: {}", p, e.toString());
            }
          });
    } catch (IOException e) {
      LOG.warn("Cannot list the disk cache folder {}: {}", dir, e.toString());
      return;
    }
    files.sort(Comparator.comparing(e -> e.getValue().lastModifiedTime()));
    for (Map.Entry<Path, BasicFileAttributes> f : files) {
      index.put(f.getKey().getFileName().toString(), f.getValue().size());
    }
  }

  /** The cached bytes for a key, or null on a miss. */
  public byte[] get(String key) {
    String name = fileName(key);
    if (index.getIfPresent(name) == null) {
      return null;
    }
    try {
      return Files.readAllBytes(dir.resolve(name));
    } catch (NoSuchFileException e) {
      index.invalidate(name); // evicted by a process sharing the folder
      return null;
    } catch (IOException e) {
      LOG.debug("Disk cache read of {} failed: {}", key, e.toString());
      index.invalidate(name);
      return null;
    }
  }

  /** Caches bytes for a key (best effort: a full or failing disk only costs misses). */
  public void put(String key, byte[] data) {
    if (data.length > budgetBytes) {
      return;
    }
    String name = fileName(key);
    Path target = dir.resolve(name);
    Path tmp = dir.resolve("." + UUID.randomUUID() + ".tmp");
    try {
      Files.write(tmp, data);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      index.put(name, (long) data.length);
    } catch (IOException e) {
      LOG.debug("Disk cache write of {} failed: {}", key, e.toString());
      deleteQuietly(tmp);
    }
  }

  /** Drops a key (its object was deleted). */
  public void invalidate(String key) {
    String name = fileName(key);
    index.invalidate(name);
    deleteQuietly(dir.resolve(name));
  }

  public long budgetBytes() {
    return budgetBytes;
  }

  /** Bytes of files this process has indexed. */
  public long usedBytes() {
    index.cleanUp();
    return index.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }

  public long evictions() {
    return evictions.get();
  }

  /** Forces pending evictions (tests). */
  public void cleanUp() {
    index.cleanUp();
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.debug("Cannot delete disk cache file {}: {}", p, e.toString());
    }
  }

  /** A file name for a key: a hash, so that any key maps to one flat, safe name. */
  static String fileName(String key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder(64 + SUFFIX.length());
      for (int i = 0; i < 20; i++) {
        sb.append(String.format("%02x", d[i]));
      }
      return sb.append(SUFFIX).toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
