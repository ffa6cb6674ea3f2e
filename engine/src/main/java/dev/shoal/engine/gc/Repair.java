package dev.shoal.engine.gc;

import dev.shoal.engine.RepairReport;
import dev.shoal.engine.cache.ObjectCache;
import dev.shoal.engine.manifest.GarbageList;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.manifest.ManifestStore;
import dev.shoal.engine.manifest.NamespaceLayout;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.storage.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a project's table of shared objects from its live manifests and, optionally, sweeps
 * objects no manifest references (leaks of crashed or failed operations).
 *
 * <h2>Why a sweep is safe while writers are active</h2>
 *
 * A sweep deletes an object only if no manifest it read references it and it was written before
 * {@code start - grace}, where {@code start} is taken before the first manifest is read. Table
 * entries younger than the grace period are kept (an in-flight branch records its sharing before
 * committing its manifest). The other half of the invariant is the committers': no commit attempt
 * references an object written more than half the grace period before the attempt ({@link
 * dev.shoal.engine.namespace.NamespaceService#requireYoung}). So a commit the sweep did not see
 * landed after {@code start}, and its objects were written after {@code start - grace/2}: none of
 * them is old enough to be swept. Objects a commit takes from a live manifest (a branch) are held
 * by that manifest, its garbage or the table throughout. The half left over absorbs the commit's
 * own duration and clock skew between the engines and the store.
 *
 * <p>It also releases, through the {@link GarbageCollector}, the garbage of every namespace it
 * visits that is past the retention period, so that the dropped objects of a namespace nobody
 * writes to (and that no engine still has a garbage pass scheduled for) do not stay for ever.
 *
 * <p>Thread-safe.
 */
public final class Repair {
  /** Releases a namespace's garbage past the retention period (see the compactor). */
  @FunctionalInterface
  public interface GarbageCollector {
    /**
     * @return the newest version afterwards, or null if unchanged or unknown
     */
    Manifest collect(NamespacePath ns);
  }

  private static final Logger LOG = LoggerFactory.getLogger(Repair.class);

  private final ObjectStore store;
  private final ManifestStore manifests;
  private final RefTableStore refs;
  private final ObjectCache cache;
  private final Clock clock;
  private final Duration grace;
  private final GarbageCollector garbage;

  public Repair(
      ObjectStore store,
      ManifestStore manifests,
      RefTableStore refs,
      ObjectCache cache,
      Clock clock,
      Duration grace,
      GarbageCollector garbage) {
    this.store = store;
    this.manifests = manifests;
    this.refs = refs;
    this.cache = cache;
    this.clock = clock;
    this.grace = grace;
    this.garbage = garbage;
  }

  private boolean hasExpiredGarbage(Manifest m, long now) {
    long cutoff = now - manifests.retention().toMillis();
    return m.garbage().stream().anyMatch(g -> g.droppedAtMillis() <= cutoff);
  }

  public RepairReport repair(String org, String project, boolean sweep) {
    NamespacePath.validateComponent(org, "organization");
    NamespacePath.validateComponent(project, "project");
    long now = clock.millis();
    long youngest = now - grace.toMillis();
    String nsPrefix = NamespaceLayout.namespacesPrefix(org, project);
    Set<String> names = new TreeSet<>();
    for (ObjectInfo o : store.list(nsPrefix)) {
      String rest = o.key().substring(nsPrefix.length());
      int slash = rest.indexOf('/');
      if (slash > 0) {
        names.add(rest.substring(0, slash));
      }
    }
    String headsPrefix = NamespaceLayout.headsPrefix(org, project);
    for (ObjectInfo o : store.list(headsPrefix)) {
      names.add(o.key().substring(headsPrefix.length()));
    }

    Map<String, Set<String>> holders = new HashMap<>();
    int live = 0;
    for (String name : names) {
      NamespacePath ns;
      try {
        ns = NamespacePath.of(org, project, name);
      } catch (RuntimeException e) {
        LOG.warn("Skipping object folder with an invalid namespace name: {}{}", nsPrefix, name);
        continue;
      }
      Optional<Manifest> latest = manifests.readLatest(ns, null); // also heals heads
      if (latest.isPresent() && hasExpiredGarbage(latest.get(), now)) {
        try {
          Manifest after = garbage.collect(ns);
          if (after != null) {
            latest = Optional.of(after);
          }
        } catch (RuntimeException e) {
          LOG.warn("Cannot release the expired garbage of {}: {}", ns, e.toString());
        }
      }
      manifests.expireVersions(ns);
      if (latest.isEmpty()) {
        continue;
      }
      // A deleted namespace holds nothing live, but its garbage until the retention period ends.
      if (!latest.get().deleted()) {
        live++;
      }
      for (String key : latest.get().liveObjectKeys()) {
        holders.computeIfAbsent(key, k -> new TreeSet<>()).add(name);
      }
      for (String key : GarbageList.keysOf(store, latest.get().garbage())) {
        holders.computeIfAbsent(key, k -> new TreeSet<>()).add(name);
      }
    }

    RefTable table =
        refs.update(
            org,
            project,
            current -> {
              Map<String, Map<String, Long>> rebuilt = new TreeMap<>();
              holders.forEach(
                  (key, nss) -> {
                    if (nss.size() > 1) {
                      Map<String, Long> h = new TreeMap<>();
                      Map<String, Long> old = current.getOrDefault(key, Map.of());
                      for (String n : nss) {
                        h.put(n, old.getOrDefault(n, now));
                      }
                      rebuilt.put(key, h);
                    }
                  });
              // Keep recent entries: a branch in flight records them before its manifest exists.
              current.forEach(
                  (key, h) ->
                      h.forEach(
                          (n, at) -> {
                            if (at > youngest) {
                              rebuilt.computeIfAbsent(key, k -> new TreeMap<>()).put(n, at);
                            }
                          }));
              return rebuilt.equals(current) ? null : rebuilt;
            });

    int swept = 0;
    long sweptBytes = 0;
    if (sweep) {
      for (ObjectInfo o : store.list(nsPrefix)) {
        String key = o.key();
        String rest = key.substring(nsPrefix.length());
        int slash = rest.indexOf('/');
        String kind = slash < 0 ? "" : rest.substring(slash + 1);
        if (!(kind.startsWith("wal/")
            || kind.startsWith("segments/")
            || kind.startsWith("garbage/"))) {
          continue; // manifests expire on their own; leases are tiny and expire
        }
        if (holders.containsKey(key) || table.refs().containsKey(key)) {
          continue;
        }
        if (o.lastModifiedMillis() > youngest) {
          continue; // may belong to a write in flight
        }
        store.delete(key);
        cache.invalidate(key);
        swept++;
        sweptBytes += o.size();
      }
    }
    return new RepairReport(live, table.refs().size(), swept, sweptBytes, holders.size());
  }
}
