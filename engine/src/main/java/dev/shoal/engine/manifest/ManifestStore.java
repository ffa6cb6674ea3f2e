package dev.shoal.engine.manifest;

import dev.shoal.engine.CommitStateUnknownException;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.storage.ObjectNotFoundException;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.storage.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and creates manifest versions: the compare-and-swap at the heart of every commit.
 *
 * <h2>Protocol</h2>
 *
 * <ul>
 *   <li>Committing version {@code v + 1} is {@link ObjectStore#putIfAbsent} of {@code
 *       manifests/<v+1>}: exactly one writer wins, in whatever process it runs. The loser reads the
 *       newer versions and tries again on top of them.
 *   <li>The head object is a copy of a recent manifest, written after commits; it may lag. A reader
 *       starts from it (or from a version it already knows) and probes forward: when {@code
 *       manifests/<v+1>} does not exist, {@code v} is the newest.
 *   <li>Old versions are deleted once superseded for longer than the retention period, oldest
 *       first. Probing is therefore sound only from a version checked within that period: {@link
 *       #readLatest} falls back to listing when the starting point has been collected.
 * </ul>
 *
 * Thread-safe and stateless apart from the store.
 */
public final class ManifestStore {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestStore.class);
  private static final int AMBIGUOUS_RETRIES = 3;

  private final ObjectStore store;
  private final Clock clock;
  private final Duration retention;
  private final int minRetainedVersions;

  public ManifestStore(
      ObjectStore store, Clock clock, Duration retention, int minRetainedVersions) {
    this.store = store;
    this.clock = clock;
    this.retention = retention;
    this.minRetainedVersions = minRetainedVersions;
  }

  public Duration retention() {
    return retention;
  }

  /** Reads one version, or empty if it does not exist (never written, or collected). */
  public Optional<Manifest> read(NamespacePath ns, long version) {
    String key = NamespaceLayout.manifestKey(ns, version);
    try {
      return Optional.of(ManifestCodec.decode(key, store.get(key)));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Whether a version exists, without reading it. */
  public boolean exists(NamespacePath ns, long version) {
    return store.stat(NamespaceLayout.manifestKey(ns, version)).isPresent();
  }

  /**
   * Finds the newest version, tombstones included.
   *
   * @param known a version this process saw (or null); it must have been current within the
   *     retention period, or the probe may stop at a collected version
   * @return the newest manifest, or empty if the namespace never existed
   */
  public Optional<Manifest> readLatest(NamespacePath ns, Manifest known) {
    if (known != null) {
      return Optional.of(probeForward(ns, known));
    }
    Manifest head = readHead(ns).orElse(null);
    Manifest start = head;
    // A head committed within half the retention period cannot be behind collected versions;
    // an older one might be (if head updates failed for that long), so check it still exists.
    if (start != null
        && start.updatedAtMillis() < clock.millis() - retention.toMillis() / 2
        && !exists(ns, start.version())) {
      start = null;
    }
    if (start == null) {
      start = readNewestListed(ns).orElse(null);
      if (start == null) {
        return Optional.empty();
      }
    }
    Manifest latest = probeForward(ns, start);
    // Heal what a crash between a commit and its head update left behind: listing finds
    // namespaces by their heads.
    if (head == null && !latest.deleted()) {
      writeHead(ns, latest);
    } else if (head != null && latest.deleted()) {
      deleteHeadQuietly(ns);
    }
    return Optional.of(latest);
  }

  private void deleteHeadQuietly(NamespacePath ns) {
    try {
      deleteHead(ns);
    } catch (RuntimeException e) {
      LOG.debug("Cannot delete the stale head of deleted namespace {}: {}", ns, e.toString());
    }
  }

  /**
   * Follows {@code manifests/<v+1>} until it is missing. When it finds itself several versions
   * behind (busy writers), it lists the versions and jumps to the newest instead of reading them
   * one by one, so that a slow reader still catches up with fast writers.
   */
  public Manifest probeForward(NamespacePath ns, Manifest from) {
    Manifest current = from;
    int hits = 0;
    while (true) {
      if (hits >= 2) {
        hits = 0;
        Optional<Manifest> newest = readNewestListed(ns);
        if (newest.isPresent() && newest.get().version() > current.version()) {
          current = newest.get();
        }
      }
      Optional<Manifest> next = read(ns, current.version() + 1);
      if (next.isEmpty()) {
        return current;
      }
      current = next.get();
      hits++;
    }
  }

  private Optional<Manifest> readHead(NamespacePath ns) {
    String key = NamespaceLayout.headKey(ns);
    try {
      return Optional.of(ManifestCodec.decode(key, store.get(key)));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  private Optional<Manifest> readNewestListed(NamespacePath ns) {
    List<ObjectInfo> versions = store.list(NamespaceLayout.manifestsPrefix(ns));
    for (int i = versions.size() - 1; i >= 0; i--) {
      long v = NamespaceLayout.versionOf(versions.get(i).key());
      if (v > 0) {
        Optional<Manifest> m = read(ns, v);
        if (m.isPresent()) {
          return m;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Tries to create {@code next} as version {@code next.version()}.
   *
   * <p>If the create call fails without an answer, the outcome is resolved by reading the version
   * back and comparing commit ids, and by retrying the create with the same bytes (a delayed
   * original request then cannot land on top of someone else's version).
   *
   * @return true if this call committed it, false if another commit holds that version
   * @throws CommitStateUnknownException if the outcome cannot be determined
   */
  public boolean tryCreate(NamespacePath ns, Manifest next) {
    String key = NamespaceLayout.manifestKey(ns, next.version());
    byte[] bytes = ManifestCodec.encode(next);
    StorageException last = null;
    for (int attempt = 0; attempt <= AMBIGUOUS_RETRIES; attempt++) {
      try {
        if (store.putIfAbsent(key, bytes)) {
          return true;
        }
        if (last == null) {
          return false; // a clean loss: someone else holds the version
        }
      } catch (StorageException e) {
        last = e;
        LOG.debug("Creating {} failed, reading it back to resolve the outcome", key, e);
      }
      // An earlier call had no answer: the version may hold our own bytes.
      try {
        Optional<Manifest> existing = read(ns, next.version());
        if (existing.isPresent()) {
          return existing.get().commitId().equals(next.commitId());
        }
      } catch (StorageException e) {
        last = e;
      }
    }
    throw new CommitStateUnknownException(
        "Cannot tell whether the commit of "
            + ns
            + " version "
            + next.version()
            + " happened: "
            + (last == null ? "unknown" : last.getMessage())
            + ". Read the namespace before retrying a write without an idempotency key or writer"
            + " position",
        last,
        next.version(),
        next.commitId());
  }

  /** What became of a commit whose outcome was unknown. */
  public enum Outcome {
    /** The version holds the commit: it happened. */
    COMMITTED,
    /** Another commit holds the version: it did not happen, and never will. */
    NOT_COMMITTED,
    /** Still unknown: the version is absent (a delayed create may still land) or unreadable. */
    UNKNOWN
  }

  /**
   * What a read of the version tells about a commit.
   *
   * @param manifest the committed manifest when {@code outcome} is {@link Outcome#COMMITTED}
   */
  public record Resolution(Outcome outcome, Manifest manifest) {}

  /**
   * Resolves a {@link CommitStateUnknownException} of {@link #tryCreate} by reading the version it
   * tried to create (read-only: it never creates anything). A commit can only ever land at that
   * version, so another commit id there proves it did not happen; an absent version proves nothing,
   * because the lost request may still arrive.
   */
  public Resolution resolve(NamespacePath ns, CommitStateUnknownException e) {
    if (e.version() < 1 || e.commitId() == null) {
      return new Resolution(Outcome.UNKNOWN, null);
    }
    try {
      Optional<Manifest> m = read(ns, e.version());
      if (m.isEmpty()) {
        return new Resolution(Outcome.UNKNOWN, null);
      }
      return m.get().commitId().equals(e.commitId())
          ? new Resolution(Outcome.COMMITTED, m.get())
          : new Resolution(Outcome.NOT_COMMITTED, null);
    } catch (RuntimeException failed) {
      LOG.debug("Cannot read {} version {} back: {}", ns, e.version(), failed.toString());
      return new Resolution(Outcome.UNKNOWN, null);
    }
  }

  /**
   * Writes the head (best effort: a lagging head only costs readers a longer probe), then checks
   * that the namespace was not deleted meanwhile.
   *
   * <p>Head writes run in the background, so one can land after another process committed a
   * tombstone and deleted the head, and listing would show the deleted namespace again. The probe
   * after the put closes that race: if the put landed after the delete's head removal, it also
   * landed after the tombstone, which the probe therefore finds, and the head is deleted again
   * (written again if a newer live version appeared meanwhile). It costs one read of the absent
   * next version. Heads a crash left in between are healed by {@link #readLatest} (repair reads
   * every namespace with it).
   */
  public void writeHead(NamespacePath ns, Manifest manifest) {
    Manifest m = manifest;
    try {
      for (int attempt = 0; attempt < 3; attempt++) {
        store.put(NamespaceLayout.headKey(ns), ManifestCodec.encode(m));
        Manifest newest = probeForward(ns, m);
        if (!newest.deleted()) {
          return;
        }
        deleteHead(ns);
        m = probeForward(ns, newest);
        if (m.deleted()) {
          return;
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("Cannot update the head of {} to version {}: {}", ns, m.version(), e.toString());
    }
  }

  public void deleteHead(NamespacePath ns) {
    store.delete(NamespaceLayout.headKey(ns));
  }

  /**
   * Names of the namespaces of a project that have a head, in order.
   *
   * @param namePrefix only names starting with it ("" for all)
   * @param startAfter only names after it, or null
   * @param limit at most this many
   */
  public List<String> listNamespaces(
      String org, String project, String namePrefix, String startAfter, int limit) {
    String prefix = NamespaceLayout.headsPrefix(org, project);
    List<String> out = new ArrayList<>();
    for (ObjectInfo info : store.list(prefix + namePrefix)) {
      String name = info.key().substring(prefix.length());
      if (name.indexOf('/') >= 0 || (startAfter != null && name.compareTo(startAfter) <= 0)) {
        continue;
      }
      out.add(name);
      if (out.size() >= limit) {
        break;
      }
    }
    return out;
  }

  /**
   * Deletes versions superseded for longer than the retention period, oldest first, keeping at
   * least the newest {@code minRetainedVersions}.
   *
   * @return how many versions were deleted
   */
  public int expireVersions(NamespacePath ns) {
    List<ObjectInfo> versions = store.list(NamespaceLayout.manifestsPrefix(ns));
    long cutoff = clock.millis() - retention.toMillis();
    int deletable = versions.size() - minRetainedVersions;
    int deleted = 0;
    for (int i = 0; i < deletable; i++) {
      // Version i may go once its successor is older than the retention period.
      if (versions.get(i + 1).lastModifiedMillis() > cutoff) {
        break;
      }
      store.delete(versions.get(i).key());
      deleted++;
    }
    return deleted;
  }
}
