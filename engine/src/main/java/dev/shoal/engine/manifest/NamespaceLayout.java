package dev.shoal.engine.manifest;

import dev.shoal.engine.model.NamespacePath;
import java.util.UUID;

/**
 * Where a namespace's objects live in the store.
 *
 * <pre>
 * {org}/{project}/heads/{ns}                       copy of the newest manifest (may lag)
 * {org}/{project}/ns/{ns}/manifests/{version:020}  manifest versions, created with put-if-absent
 * {org}/{project}/ns/{ns}/wal/{uuid}.wal           WAL batches
 * {org}/{project}/ns/{ns}/segments/{uuid}.seg      segments
 * {org}/{project}/ns/{ns}/garbage/{uuid}.keys      keys one compaction dropped ({@link GarbageList})
 * </pre>
 *
 * Heads sit in their own folder so that listing a project's namespaces reads one small object name
 * per namespace, not every object.
 */
public final class NamespaceLayout {
  private NamespaceLayout() {}

  public static String projectRoot(String org, String project) {
    return org + "/" + project + "/";
  }

  public static String headsPrefix(String org, String project) {
    return projectRoot(org, project) + "heads/";
  }

  public static String headKey(NamespacePath ns) {
    return headsPrefix(ns.org(), ns.project()) + ns.namespace();
  }

  /** Prefix of every object a namespace owns. */
  public static String namespaceRoot(NamespacePath ns) {
    return namespacesPrefix(ns.org(), ns.project()) + ns.namespace() + "/";
  }

  /** Prefix of every namespace-owned object in a project. */
  public static String namespacesPrefix(String org, String project) {
    return projectRoot(org, project) + "ns/";
  }

  public static String manifestsPrefix(NamespacePath ns) {
    return namespaceRoot(ns) + "manifests/";
  }

  public static String manifestKey(NamespacePath ns, long version) {
    return manifestsPrefix(ns) + String.format("%020d", version) + ".json";
  }

  /** The version in a manifest key, or -1 if the key is not a manifest version. */
  public static long versionOf(String manifestKey) {
    int slash = manifestKey.lastIndexOf('/');
    String name = manifestKey.substring(slash + 1);
    if (!name.endsWith(".json") || name.length() != 25) {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(0, 20));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public static String newWalKey(NamespacePath ns) {
    return namespaceRoot(ns) + "wal/" + UUID.randomUUID() + ".wal";
  }

  public static String newSegmentKey(NamespacePath ns) {
    return namespaceRoot(ns) + "segments/" + UUID.randomUUID() + ".seg";
  }

  public static String newGarbageListKey(NamespacePath ns) {
    return namespaceRoot(ns) + "garbage/" + UUID.randomUUID() + GARBAGE_LIST_SUFFIX;
  }

  /** What kind of object a key names, for messages: "WAL batch", "segment" or "garbage list". */
  public static String kindOf(String key) {
    if (key.endsWith(".wal") && key.contains("/wal/")) {
      return "WAL batch";
    }
    if (key.endsWith(".seg") && key.contains("/segments/")) {
      return "segment";
    }
    return isGarbageList(key) ? "garbage list" : "object";
  }

  /** Whether a key names a {@link GarbageList} object. */
  public static boolean isGarbageList(String key) {
    return key.endsWith(GARBAGE_LIST_SUFFIX) && key.contains("/garbage/");
  }

  private static final String GARBAGE_LIST_SUFFIX = ".keys";
}
