package dev.shoal.engine.namespace;

import dev.shoal.engine.CommitFailedException;
import dev.shoal.engine.CommitStateUnknownException;
import dev.shoal.engine.Consistency;
import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.NamespaceExistsException;
import dev.shoal.engine.cache.ObjectCache;
import dev.shoal.engine.gc.Reclaimer;
import dev.shoal.engine.manifest.GarbageList;
import dev.shoal.engine.manifest.GarbageRef;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.manifest.NamespaceLayout;
import dev.shoal.engine.manifest.SegmentRef;
import dev.shoal.engine.manifest.WalRef;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.ObjectNotFoundException;
import dev.shoal.engine.storage.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Branches (copy-on-write, constant time) and copies (physically independent) of namespaces.
 *
 * <p>A branch's first manifest references the source's objects. Before it is committed, the shared
 * objects are recorded in the project's reference table (so neither side deletes what the other
 * still uses), and the source is read again: if it dropped an object meanwhile, it might already be
 * deleting it, so the branch starts over from the newer version. The work is proportional to the
 * number of objects, never to the number of documents.
 *
 * <p>A branch that fails after sharing (its target was created meanwhile, its commit failed or has
 * an unknown outcome, or the source kept changing) leaves its table entries in place. They are
 * keyed by namespace name, and sharing is idempotent, so an entry may equally be the one another
 * branch to the same target committed with or is about to commit with: removing it could let the
 * source delete objects that branch references. A stale entry only keeps objects alive; {@link
 * dev.shoal.engine.gc.Repair} drops entries no manifest justifies once they are older than the
 * sweep grace period.
 *
 * <p>Thread-safe.
 */
public final class Branching {
  private static final Logger LOG = LoggerFactory.getLogger(Branching.class);
  private static final int ATTEMPTS = 10;

  private final ObjectStore store;
  private final NamespaceService namespaces;
  private final ObjectCache objects;
  private final Reclaimer reclaimer;
  private final Clock clock;
  private final Duration retention;

  public Branching(
      ObjectStore store,
      NamespaceService namespaces,
      ObjectCache objects,
      Reclaimer reclaimer,
      Clock clock,
      Duration retention) {
    this.store = store;
    this.namespaces = namespaces;
    this.objects = objects;
    this.reclaimer = reclaimer;
    this.clock = clock;
    this.retention = retention;
  }

  /** Creates {@code target} as a copy-on-write branch of {@code source}. */
  public Manifest branch(NamespacePath source, NamespacePath target) {
    checkTarget(source, target);
    Manifest src = namespaces.current(source, Consistency.STRONG);
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Set<String> keys = src.liveObjectKeys();
      long now = clock.millis();
      if (!keys.isEmpty()) {
        reclaimer.share(source, keys, List.of(source.namespace(), target.namespace()), now);
      }
      Manifest latest = namespaces.current(source, Consistency.STRONG);
      if (!stillHeld(latest, keys, now)) {
        LOG.debug("{} dropped objects while being branched; starting over", source);
        src = latest;
        continue;
      }
      Manifest from = src;
      try {
        return namespaces.commit(
            target,
            new CommitTask.ManifestUpdate<Manifest>() {
              @Override
              public Manifest apply(Manifest base, long nextVersion) {
                requireAbsent(target, base);
                return from.derive(
                        target.toString(),
                        nextVersion,
                        NamespaceService.newCommitId(),
                        clock.millis(),
                        source.toString(),
                        from.wal(),
                        from.segments())
                    .continuing(base);
              }

              @Override
              public Manifest result(Manifest manifest) {
                return manifest;
              }
            });
      } catch (CommitStateUnknownException e) {
        // The target's manifest may reference the keys: never release them on an unknown outcome.
        ManifestStore.Resolution r = namespaces.resolve(target, e);
        if (r.outcome() == ManifestStore.Outcome.COMMITTED) {
          return r.manifest();
        }
        throw e;
      }
    }
    throw new CommitFailedException(
        "Cannot branch " + source + " into " + target + ": the source kept changing; retry", null);
  }

  /**
   * Whether the source still references every key, or holds it as garbage young enough that it
   * cannot be deleted before our table entry is visible.
   */
  private boolean stillHeld(Manifest latest, Set<String> keys, long sharedAt) {
    Set<String> held = new HashSet<>(latest.liveObjectKeys());
    if (held.containsAll(keys)) {
      return true;
    }
    long safe = sharedAt - retention.toMillis() / 2;
    for (GarbageRef g : latest.garbage()) {
      if (g.droppedAtMillis() > safe) {
        held.addAll(GarbageList.keysOf(store, g));
      }
    }
    return held.containsAll(keys);
  }

  /** Creates {@code target} as an independent copy of {@code source}'s current data. */
  public Manifest copy(NamespacePath source, NamespacePath target) {
    checkTarget(source, target);
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Manifest src = namespaces.current(source, Consistency.STRONG);
      List<String> written = new ArrayList<>();
      long startedWriting = clock.millis();
      try {
        List<WalRef> wal = new ArrayList<>();
        for (WalRef w : src.wal()) {
          String key = NamespaceLayout.newWalKey(target);
          copyObject(w.key(), key, written);
          wal.add(new WalRef(key, w.firstSeq(), w.records(), w.bytes()));
        }
        List<SegmentRef> segments = new ArrayList<>();
        for (SegmentRef s : src.segments()) {
          String key = NamespaceLayout.newSegmentKey(target);
          copyObject(s.key(), key, written);
          segments.add(
              new SegmentRef(
                  key,
                  s.level(),
                  s.minSeq(),
                  s.maxSeq(),
                  s.docs(),
                  s.tombstones(),
                  s.bytes(),
                  s.sections(),
                  s.createdAtMillis()));
        }
        Manifest committed;
        try {
          committed =
              namespaces.commit(
                  target,
                  new CommitTask.ManifestUpdate<Manifest>() {
                    @Override
                    public Manifest apply(Manifest base, long nextVersion) {
                      requireAbsent(target, base);
                      if (!written.isEmpty()) {
                        namespaces.requireYoung(
                            "copy " + source + " into " + target,
                            NamespaceLayout.kindOf(written.get(0)) + " " + written.get(0),
                            startedWriting,
                            "retry, or raise EngineConfig.sweepGracePeriod above twice the time a"
                                + " copy of this namespace takes",
                            true);
                      }
                      return src.derive(
                              target.toString(),
                              nextVersion,
                              NamespaceService.newCommitId(),
                              clock.millis(),
                              null,
                              wal,
                              segments)
                          .continuing(base);
                    }

                    @Override
                    public Manifest result(Manifest manifest) {
                      return manifest;
                    }
                  });
        } catch (CommitStateUnknownException e) {
          // The target's manifest may reference the copies: keep them unless it provably does not.
          ManifestStore.Resolution r = namespaces.resolve(target, e);
          if (r.outcome() == ManifestStore.Outcome.NOT_COMMITTED) {
            throw new CommitFailedException(
                "Cannot copy "
                    + source
                    + " into "
                    + target
                    + ": another commit took its manifest version "
                    + e.version()
                    + " while the answer to ours was lost; retry",
                e);
          }
          if (r.outcome() == ManifestStore.Outcome.UNKNOWN) {
            LOG.warn(
                "Cannot tell whether the copy {} -> {} committed; leaving its {} objects for repair",
                source,
                target,
                written.size());
            written.clear();
            throw e;
          }
          committed = r.manifest();
        }
        written.clear();
        return committed;
      } catch (ObjectNotFoundException e) {
        LOG.debug("An object of {} disappeared while copying; starting over", source);
      } finally {
        for (String key : written) {
          try {
            store.delete(key);
          } catch (RuntimeException e) {
            LOG.debug("Cannot delete uncommitted copy {} (repair will): {}", key, e.toString());
          }
        }
      }
    }
    throw new CommitFailedException(
        "Cannot copy " + source + " into " + target + ": the source kept changing; retry", null);
  }

  private void copyObject(String from, String to, List<String> written) {
    byte[] bytes = objects.raw(from);
    written.add(to);
    store.put(to, bytes);
  }

  private void checkTarget(NamespacePath source, NamespacePath target) {
    if (!source.org().equals(target.org()) || !source.project().equals(target.project())) {
      throw new InvalidRequestException(
          "Cannot branch or copy "
              + source
              + " into "
              + target
              + ": the target must be in the same organization and project");
    }
    if (source.equals(target)) {
      throw new InvalidRequestException(
          "Cannot branch or copy " + source + " into itself: choose another target name");
    }
    if (namespaces.newest(target, Consistency.STRONG).filter(m -> !m.deleted()).isPresent()) {
      throw new NamespaceExistsException(target.toString());
    }
  }

  private static void requireAbsent(NamespacePath target, Manifest base) {
    if (base != null && !base.deleted()) {
      throw new NamespaceExistsException(target.toString());
    }
  }
}
