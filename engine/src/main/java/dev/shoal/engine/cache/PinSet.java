package dev.shoal.engine.cache;

import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.storage.ObjectStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The namespaces to keep warm, stored as one marker object per namespace under {@code
 * _system/pins/} so that every engine sharing the store sees the same set and restores it on start.
 * One object per pin means concurrent pins and unpins never overwrite each other.
 *
 * <p>Thread-safe.
 */
public final class PinSet {
  private static final String PREFIX = "_system/pins/";

  private final ObjectStore store;

  public PinSet(ObjectStore store) {
    this.store = store;
  }

  private static String key(NamespacePath ns) {
    return PREFIX + ns;
  }

  public void pin(NamespacePath ns) {
    store.put(key(ns), new byte[0]);
  }

  public void unpin(NamespacePath ns) {
    store.delete(key(ns));
  }

  public boolean contains(NamespacePath ns) {
    return store.stat(key(ns)).isPresent();
  }

  /** Every pinned namespace. */
  public List<NamespacePath> all() {
    List<NamespacePath> out = new ArrayList<>();
    for (ObjectInfo o : store.list(PREFIX)) {
      out.add(NamespacePath.parse(o.key().substring(PREFIX.length())));
    }
    return out;
  }
}
