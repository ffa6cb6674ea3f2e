package dev.shoal.engine;

import java.util.List;

/** One page of namespace names and the cursor of the next page (null on the last page). */
public record NamespaceList(List<String> namespaces, String nextCursor) {
  public NamespaceList {
    namespaces = List.copyOf(namespaces);
  }
}
