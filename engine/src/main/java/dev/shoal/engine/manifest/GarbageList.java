package dev.shoal.engine.manifest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.ObjectNotFoundException;
import dev.shoal.engine.storage.ObjectStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys one compaction dropped, stored as one small object that the manifest's garbage list
 * references by a single {@link GarbageRef}. Without it every manifest version would repeat one
 * entry per dropped WAL batch and segment for the whole retention period, so manifests (and the
 * bytes of every commit) would grow with the commit rate.
 */
public record GarbageList(@JsonProperty("keys") List<String> keys) {

  /**
   * A compaction that drops more objects than this writes a list (one small PUT next to the
   * segments it writes anyway); a single dropped object stays inline.
   */
  public static final int INLINE_MAX = 1;

  public GarbageList {
    keys = List.copyOf(requireNonNull(keys, "keys is null"));
  }

  /** Writes a new list object in the namespace's {@code garbage/} folder and returns its key. */
  public static String write(ObjectStore store, NamespacePath ns, Collection<String> keys) {
    String key = NamespaceLayout.newGarbageListKey(ns);
    store.put(key, ManifestCodec.encodeGarbageList(new GarbageList(new ArrayList<>(keys))));
    return key;
  }

  /**
   * Every object a garbage entry keeps: its own key, preceded for a list by the keys it lists. A
   * list that is gone (released and deleted after a commit that older versions predate) yields only
   * its key.
   *
   * @throws dev.shoal.engine.storage.CorruptObjectException if a list object does not decode
   */
  public static List<String> keysOf(ObjectStore store, GarbageRef g) {
    if (!NamespaceLayout.isGarbageList(g.key())) {
      return List.of(g.key());
    }
    List<String> out = new ArrayList<>();
    try {
      out.addAll(ManifestCodec.decodeGarbageList(g.key(), store.get(g.key())).keys());
    } catch (ObjectNotFoundException e) {
      // Already released.
    }
    out.add(g.key());
    return out;
  }

  /** {@link #keysOf(ObjectStore, GarbageRef)} of every entry. */
  public static Set<String> keysOf(ObjectStore store, Collection<GarbageRef> garbage) {
    Set<String> out = new LinkedHashSet<>();
    for (GarbageRef g : garbage) {
      out.addAll(keysOf(store, g));
    }
    return out;
  }
}
