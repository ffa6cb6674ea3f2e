package dev.shoal.engine;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Tuning of an {@link Engine}. Defaults suit a single server with a few GiB of heap; every value is
 * checked by {@link Builder#build()}.
 *
 * @param maxBatchDocs most records (upserts + patches + deletes) in one write request
 * @param maxGroupCommitRecords most records one group commit folds into a single WAL object
 * @param walCompactThreshold compact once a namespace has this many WAL batches
 * @param segmentCompactThreshold merge once a tier holds more than this many segments
 * @param autoCompact whether commits schedule background compaction
 * @param memoryCacheBytes budget of the in-memory cache of decoded objects and namespace states
 * @param diskCacheDir folder of the local disk cache of raw objects, or null for none
 * @param diskCacheBytes budget of the disk cache
 * @param manifestRetention how long superseded manifest versions and dropped objects are kept, so
 *     that readers pinned to an older version keep working
 * @param minRetainedVersions manifest versions always kept, whatever their age
 * @param idempotencyKeysRetained idempotency keys remembered per namespace
 * @param eventualMaxStaleness how old a cached manifest an {@code eventual} read may use
 * @param commitAttempts how many times a commit that keeps losing races is tried before failing
 * @param sweepGracePeriod repair never sweeps an object younger than this (an in-flight write's),
 *     and, the other half of that guarantee, no commit references an object it wrote (or was given
 *     staged) more than half this long before: a staged batch, a compaction's segments or a copy's
 *     objects that old are refused with {@link CommitFailedException}. It must therefore exceed
 *     twice the longest time between writing an object and committing it (for a Flink sink, the
 *     checkpoint interval plus the time a checkpoint, or a restore that commits it again, takes)
 */
public record EngineConfig(
    int maxBatchDocs,
    int maxGroupCommitRecords,
    int walCompactThreshold,
    int segmentCompactThreshold,
    boolean autoCompact,
    long memoryCacheBytes,
    Path diskCacheDir,
    long diskCacheBytes,
    Duration manifestRetention,
    int minRetainedVersions,
    int idempotencyKeysRetained,
    Duration eventualMaxStaleness,
    int commitAttempts,
    Duration sweepGracePeriod) {

  public static EngineConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxBatchDocs = maxBatchDocs;
    b.maxGroupCommitRecords = maxGroupCommitRecords;
    b.walCompactThreshold = walCompactThreshold;
    b.segmentCompactThreshold = segmentCompactThreshold;
    b.autoCompact = autoCompact;
    b.memoryCacheBytes = memoryCacheBytes;
    b.diskCacheDir = diskCacheDir;
    b.diskCacheBytes = diskCacheBytes;
    b.manifestRetention = manifestRetention;
    b.minRetainedVersions = minRetainedVersions;
    b.idempotencyKeysRetained = idempotencyKeysRetained;
    b.eventualMaxStaleness = eventualMaxStaleness;
    b.commitAttempts = commitAttempts;
    b.sweepGracePeriod = sweepGracePeriod;
    return b;
  }

  /** Builds a checked {@link EngineConfig}; each setter rejects an out-of-range value at once. */
  public static final class Builder {
    private int maxBatchDocs = 10_000;
    private int maxGroupCommitRecords = 100_000;
    private int walCompactThreshold = 16;
    private int segmentCompactThreshold = 8;
    private boolean autoCompact = true;
    private long memoryCacheBytes = 512L << 20;
    private Path diskCacheDir;
    private long diskCacheBytes = 4L << 30;
    private Duration manifestRetention = Duration.ofMinutes(10);
    private int minRetainedVersions = 10;
    private int idempotencyKeysRetained = 1_000;
    private Duration eventualMaxStaleness = Duration.ofSeconds(5);
    private int commitAttempts = 100;
    private Duration sweepGracePeriod = Duration.ofHours(1);

    private Builder() {}

    public Builder maxBatchDocs(int value) {
      maxBatchDocs = positive("maxBatchDocs", value);
      return this;
    }

    public Builder maxGroupCommitRecords(int value) {
      maxGroupCommitRecords = positive("maxGroupCommitRecords", value);
      return this;
    }

    public Builder walCompactThreshold(int value) {
      walCompactThreshold = positive("walCompactThreshold", value);
      return this;
    }

    public Builder segmentCompactThreshold(int value) {
      segmentCompactThreshold = positive("segmentCompactThreshold", value);
      return this;
    }

    public Builder autoCompact(boolean value) {
      autoCompact = value;
      return this;
    }

    public Builder memoryCacheBytes(long value) {
      memoryCacheBytes = positive("memoryCacheBytes", value);
      return this;
    }

    /** A folder for the disk cache, or null to run without one. */
    public Builder diskCacheDir(Path value) {
      diskCacheDir = value;
      return this;
    }

    public Builder diskCacheBytes(long value) {
      diskCacheBytes = positive("diskCacheBytes", value);
      return this;
    }

    public Builder manifestRetention(Duration value) {
      if (value == null || value.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(
            "Cannot set manifestRetention to " + value + ": it must be at least one second");
      }
      manifestRetention = value;
      return this;
    }

    public Builder minRetainedVersions(int value) {
      minRetainedVersions = positive("minRetainedVersions", value);
      return this;
    }

    public Builder idempotencyKeysRetained(int value) {
      if (value < 0) {
        throw new IllegalArgumentException(
            "Cannot set idempotencyKeysRetained to " + value + ": it must not be negative");
      }
      idempotencyKeysRetained = value;
      return this;
    }

    public Builder eventualMaxStaleness(Duration value) {
      if (value == null || value.isNegative()) {
        throw new IllegalArgumentException(
            "Cannot set eventualMaxStaleness to " + value + ": it must not be negative");
      }
      eventualMaxStaleness = value;
      return this;
    }

    public Builder commitAttempts(int value) {
      commitAttempts = positive("commitAttempts", value);
      return this;
    }

    public Builder sweepGracePeriod(Duration value) {
      if (value == null || value.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(
            "Cannot set sweepGracePeriod to "
                + value
                + ": it must be at least one second (commits refuse objects older than half of"
                + " it)");
      }
      sweepGracePeriod = value;
      return this;
    }

    public EngineConfig build() {
      if (maxGroupCommitRecords < maxBatchDocs) {
        throw new IllegalArgumentException(
            "Cannot build engine config: maxGroupCommitRecords ("
                + maxGroupCommitRecords
                + ") must be at least maxBatchDocs ("
                + maxBatchDocs
                + ")");
      }
      if (eventualMaxStaleness.compareTo(manifestRetention) >= 0) {
        throw new IllegalArgumentException(
            "Cannot build engine config: eventualMaxStaleness ("
                + eventualMaxStaleness
                + ") must be shorter than manifestRetention ("
                + manifestRetention
                + ")");
      }
      return new EngineConfig(
          maxBatchDocs,
          maxGroupCommitRecords,
          walCompactThreshold,
          segmentCompactThreshold,
          autoCompact,
          memoryCacheBytes,
          diskCacheDir,
          diskCacheBytes,
          manifestRetention,
          minRetainedVersions,
          idempotencyKeysRetained,
          eventualMaxStaleness,
          commitAttempts,
          sweepGracePeriod);
    }

    private static int positive(String name, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(
            "Cannot set " + name + " to " + value + ": it must be positive");
      }
      return value;
    }

    private static long positive(String name, long value) {
      if (value <= 0) {
        throw new IllegalArgumentException(
            "Cannot set " + name + " to " + value + ": it must be positive");
      }
      return value;
    }
  }
}
