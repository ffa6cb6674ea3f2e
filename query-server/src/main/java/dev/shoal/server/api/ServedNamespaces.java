package dev.shoal.server.api;

import dev.shoal.engine.Engine;
import dev.shoal.engine.NamespaceInfo;
import dev.shoal.engine.NamespaceNotFoundException;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.server.metrics.MetricsSource;
import dev.shoal.server.metrics.PrometheusWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compaction lag of the namespaces this server has served lately: WAL batches and records not
 * yet folded into a segment (so searched exhaustively). Only the {@link #LIMIT} most recently used
 * namespaces are reported, which bounds both the series and the scrape's cost: one manifest
 * freshness check per namespace, against a snapshot the engine normally holds already.
 *
 * <p>Thread-safe.
 */
final class ServedNamespaces implements MetricsSource {
  /** Most namespaces reported. */
  static final int LIMIT = 64;

  private final Engine engine;
  // Access order: the eldest is the least recently served. Guarded by itself.
  private final LinkedHashMap<NamespacePath, Boolean> served =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<NamespacePath, Boolean> eldest) {
          return size() > LIMIT;
        }
      };

  ServedNamespaces(Engine engine) {
    this.engine = engine;
  }

  void touched(NamespacePath ns) {
    synchronized (served) {
      served.put(ns, Boolean.TRUE);
    }
  }

  void deleted(NamespacePath ns) {
    synchronized (served) {
      served.remove(ns);
    }
  }

  @Override
  public void collect(PrometheusWriter w) {
    List<NamespacePath> names;
    synchronized (served) {
      names = new ArrayList<>(served.keySet());
    }
    names.sort(java.util.Comparator.comparing(NamespacePath::toString));
    List<NamespaceInfo> infos = new ArrayList<>(names.size());
    for (NamespacePath ns : names) {
      try {
        infos.add(engine.getNamespace(ns));
      } catch (NamespaceNotFoundException e) {
        deleted(ns); // deleted elsewhere
      } catch (RuntimeException e) {
        // A store hiccup must not fail the whole scrape; the namespace is left out this time.
      }
    }
    w.family(
        "shoal_namespace_wal_batches",
        "gauge",
        "WAL batches not yet compacted into a segment (compaction lag), by namespace, for the "
            + LIMIT
            + " namespaces this server served most recently.");
    for (NamespaceInfo i : infos) {
      w.sample("shoal_namespace_wal_batches", i.walFiles(), "namespace", name(i));
    }
    w.family(
        "shoal_namespace_wal_records",
        "gauge",
        "WAL records not yet compacted into a segment (searched exhaustively), by namespace.");
    for (NamespaceInfo i : infos) {
      w.sample("shoal_namespace_wal_records", i.walRecords(), "namespace", name(i));
    }
  }

  private static String name(NamespaceInfo i) {
    return i.org() + "/" + i.project() + "/" + i.namespace();
  }
}
