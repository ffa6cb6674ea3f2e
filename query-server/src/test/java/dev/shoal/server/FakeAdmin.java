package dev.shoal.server;

import dev.shoal.engine.NamespaceInfo;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.server.api.CompactionReport;
import dev.shoal.server.api.NamespaceAdmin;
import dev.shoal.server.api.RepairReport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records each admin call and answers with fixed values. */
final class FakeAdmin implements NamespaceAdmin {
  final List<String> calls = new CopyOnWriteArrayList<>();

  static NamespaceInfo info(NamespacePath ns, String parent) {
    return new NamespaceInfo(
        ns.org(),
        ns.project(),
        ns.namespace(),
        7,
        3,
        1,
        0,
        0,
        1234,
        DistanceMetric.COSINE,
        2,
        parent,
        Map.of(),
        1L,
        2L,
        false);
  }

  @Override
  public NamespaceInfo branch(NamespacePath source, NamespacePath target) {
    calls.add("branch " + source + " " + target);
    return info(target, source.toString());
  }

  @Override
  public NamespaceInfo copy(NamespacePath source, NamespacePath target) {
    calls.add("copy " + source + " " + target);
    return info(target, null);
  }

  @Override
  public CompactionReport compact(NamespacePath ns, boolean force) {
    calls.add("compact " + ns + " " + force);
    return new CompactionReport(true, 3, 4096, 2, 8);
  }

  @Override
  public void warm(NamespacePath ns) {
    calls.add("warm " + ns);
  }

  @Override
  public void pin(NamespacePath ns) {
    calls.add("pin " + ns);
  }

  @Override
  public void unpin(NamespacePath ns) {
    calls.add("unpin " + ns);
  }

  @Override
  public RepairReport repair(String org, String project, boolean sweep) {
    calls.add("repair " + org + "/" + project + " " + sweep);
    return new RepairReport(2, 10, sweep ? 1 : 0);
  }
}
