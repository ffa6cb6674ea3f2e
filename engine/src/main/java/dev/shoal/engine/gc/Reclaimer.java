package dev.shoal.engine.gc;

import dev.shoal.engine.cache.ObjectCache;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.ObjectStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes objects a namespace no longer references, unless another namespace still does: the last
 * two steps (lower the counts, delete what reached zero) of the leak-only ordering.
 *
 * <p>Callers must first commit a manifest that no longer references the keys; the table is read
 * after that commit, so a branch that started sharing a key before it is always seen (a branch
 * commits its table entries before its own manifest, and re-checks the source afterwards).
 *
 * <p>Thread-safe.
 */
public final class Reclaimer {
  private static final Logger LOG = LoggerFactory.getLogger(Reclaimer.class);

  private final ObjectStore store;
  private final RefTableStore refs;
  private final ObjectCache cache;

  public Reclaimer(ObjectStore store, RefTableStore refs, ObjectCache cache) {
    this.store = store;
    this.refs = refs;
    this.cache = cache;
  }

  public RefTableStore refs() {
    return refs;
  }

  /**
   * Drops {@code ns}'s references to {@code keys} and deletes the objects nobody references.
   *
   * @return how many objects were deleted
   */
  public int release(NamespacePath ns, Collection<String> keys) {
    if (keys.isEmpty()) {
      return 0;
    }
    Set<String> wanted = new TreeSet<>(keys);
    List<String> deletable = new ArrayList<>();
    refs.update(
        ns.org(),
        ns.project(),
        table -> {
          deletable.clear();
          boolean changed = false;
          for (String key : wanted) {
            Map<String, Long> holders = table.get(key);
            if (holders == null) {
              deletable.add(key); // never shared: this namespace was its only reference
              continue;
            }
            if (holders.remove(ns.namespace()) != null) {
              changed = true;
            }
            if (holders.isEmpty()) {
              table.remove(key);
              deletable.add(key);
            }
          }
          return changed ? table : null;
        });
    int deleted = 0;
    for (String key : deletable) {
      try {
        store.delete(key);
        deleted++;
      } catch (RuntimeException e) {
        LOG.warn("Cannot delete unreferenced object {} (repair will): {}", key, e.toString());
      }
      cache.invalidate(key);
    }
    return deleted;
  }

  /** Records that every namespace in {@code holders} references each of {@code keys}. */
  public void share(
      NamespacePath ns, Collection<String> keys, Collection<String> holders, long now) {
    refs.update(
        ns.org(),
        ns.project(),
        table -> {
          for (String key : keys) {
            Map<String, Long> h = table.computeIfAbsent(key, k -> new java.util.TreeMap<>());
            for (String holder : holders) {
              h.putIfAbsent(holder, now);
            }
          }
          return table;
        });
  }
}
