package dev.shoal.server.api;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.Engine;
import dev.shoal.engine.NamespaceExistsException;
import dev.shoal.engine.NamespaceInfo;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.server.http.ApiException;

/**
 * {@link NamespaceAdmin} over the {@link Engine}. The engine does not have branch, copy, compact,
 * warm, pin or repair yet (they come with its compaction and cache work): each method checks what
 * it can now (the namespace exists, a target does not) and then answers 501 {@code
 * not_implemented}. Replace each body with the engine call once it exists.
 */
public final class EngineNamespaceAdmin implements NamespaceAdmin {
  private final Engine engine;

  public EngineNamespaceAdmin(Engine engine) {
    this.engine = requireNonNull(engine, "engine is null");
  }

  @Override
  public NamespaceInfo branch(NamespacePath source, NamespacePath target) {
    checkSourceAndTarget(source, target);
    throw notYet("branch " + source);
  }

  @Override
  public NamespaceInfo copy(NamespacePath source, NamespacePath target) {
    checkSourceAndTarget(source, target);
    throw notYet("copy " + source);
  }

  @Override
  public CompactionReport compact(NamespacePath ns, boolean force) {
    engine.getNamespace(ns);
    throw notYet("compact " + ns);
  }

  @Override
  public void warm(NamespacePath ns) {
    engine.getNamespace(ns);
    throw notYet("warm " + ns);
  }

  @Override
  public void pin(NamespacePath ns) {
    engine.getNamespace(ns);
    throw notYet("pin " + ns);
  }

  @Override
  public void unpin(NamespacePath ns) {
    engine.getNamespace(ns);
    throw notYet("unpin " + ns);
  }

  @Override
  public RepairReport repair(String org, String project, boolean sweep) {
    throw notYet("repair " + org + "/" + project);
  }

  private void checkSourceAndTarget(NamespacePath source, NamespacePath target) {
    engine.getNamespace(source);
    if (engine.namespaceExists(target)) {
      throw new NamespaceExistsException(target.toString());
    }
  }

  private static ApiException notYet(String action) {
    return ApiException.notImplemented(
        "Cannot " + action + ": this server's engine does not support it yet");
  }
}
