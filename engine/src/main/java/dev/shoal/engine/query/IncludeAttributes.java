package dev.shoal.engine.query;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Which attributes a query returns: all (the default), none, or the named ones. */
public record IncludeAttributes(boolean all, List<String> names) {
  public static final IncludeAttributes ALL = new IncludeAttributes(true, List.of());
  public static final IncludeAttributes NONE = new IncludeAttributes(false, List.of());

  public IncludeAttributes {
    names = List.copyOf(names);
  }

  public static IncludeAttributes of(List<String> names) {
    return new IncludeAttributes(false, names);
  }

  /** The attributes to return from a document's attributes. */
  public Map<String, Object> select(Map<String, Object> attrs) {
    if (all) {
      return attrs;
    }
    if (names.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> out = new TreeMap<>();
    for (String n : names) {
      Object v = attrs.get(n);
      if (v != null) {
        out.put(n, v);
      }
    }
    return out;
  }
}
