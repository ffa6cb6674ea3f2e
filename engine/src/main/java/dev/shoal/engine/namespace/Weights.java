package dev.shoal.engine.namespace;

import dev.shoal.engine.model.Document;
import java.util.List;
import java.util.Map;

/** Rough heap sizes for cache weighing; within tens of percent is good enough. */
final class Weights {
  private Weights() {}

  static long of(Document d) {
    if (d == null) {
      return 16;
    }
    long n = 96 + 2L * d.id().length();
    if (d.vector() != null) {
      n += 16 + 4L * d.vector().length;
    }
    if (d.sparse() != null) {
      n += 32 + 8L * d.sparse().size();
    }
    for (Map.Entry<String, String> e : d.text().entrySet()) {
      n += 64 + 2L * (e.getKey().length() + e.getValue().length());
    }
    for (Map.Entry<String, Object> e : d.attrs().entrySet()) {
      n += 64 + 2L * e.getKey().length() + ofValue(e.getValue());
    }
    return n;
  }

  private static long ofValue(Object v) {
    if (v instanceof String s) {
      return 40 + 2L * s.length();
    }
    if (v instanceof List<?> list) {
      long n = 40;
      for (Object o : list) {
        n += 8 + ofValue(o);
      }
      return n;
    }
    return 16;
  }
}
