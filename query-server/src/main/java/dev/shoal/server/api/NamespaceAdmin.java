package dev.shoal.server.api;

import dev.shoal.engine.NamespaceInfo;
import dev.shoal.engine.model.NamespacePath;

/**
 * The namespace operations of API.md that the engine gains with its compaction, branching and cache
 * work: branch, copy, compact, warm, pin and repair. The routes call this interface so that their
 * HTTP layer (auth, validation, JSON shapes) is complete and tested before the engine methods
 * exist; {@link EngineNamespaceAdmin} is the engine-backed implementation.
 *
 * <p>Implementations throw the engine's exceptions ({@link dev.shoal.engine.ShoalException}) for
 * missing namespaces (404), existing targets (409) and so on. Thread-safe.
 */
public interface NamespaceAdmin {
  /**
   * Makes {@code target} a copy-on-write branch of {@code source} (constant time).
   *
   * @return the new namespace's info
   */
  NamespaceInfo branch(NamespacePath source, NamespacePath target);

  /**
   * Makes {@code target} a physically independent copy of {@code source}.
   *
   * @return the new namespace's info
   */
  NamespaceInfo copy(NamespacePath source, NamespacePath target);

  /** Compacts now; with {@code force}, even below the thresholds. */
  CompactionReport compact(NamespacePath ns, boolean force);

  /** Starts loading the namespace into the caches and returns without waiting. */
  void warm(NamespacePath ns);

  /** Keeps the namespace warm, across restarts, until unpinned. Idempotent. */
  void pin(NamespacePath ns);

  /** Undoes {@link #pin}. Idempotent. */
  void unpin(NamespacePath ns);

  /** Rebuilds the project's reference counts from its live manifests; sweeps leaks if asked. */
  RepairReport repair(String org, String project, boolean sweep);
}
