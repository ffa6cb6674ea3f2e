package dev.shoal.engine.query;

import dev.shoal.engine.index.Bits;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.namespace.NamespaceSnapshot.SegmentView;
import dev.shoal.engine.segment.Segment;
import java.util.List;

/**
 * Resolves a filter into the set of ordinals that may be returned: per segment, the live entries
 * whose attribute columns pass; for the tail, the documents that pass. Column lookups replace
 * building documents, so a filter costs one pass over the columns it names.
 */
final class SegmentFilter {
  private SegmentFilter() {}

  /** An ordinal predicate compiled against one segment's columns. */
  private interface OrdinalTest {
    boolean test(int ord);
  }

  static Bits bits(SegmentView view, Filter filter) {
    Segment s = view.segment();
    int n = s.size();
    if (filter == null) {
      return new BitSetBits(view.live().clone(), n, view.liveCount());
    }
    OrdinalTest test = compile(filter, s);
    long[] bits = new long[(n + 63) / 64];
    int count = 0;
    for (int ord = 0; ord < n; ord++) {
      if (view.isLive(ord) && test.test(ord)) {
        bits[ord >>> 6] |= 1L << (ord & 63);
        count++;
      }
    }
    return new BitSetBits(bits, n, count);
  }

  static Bits bits(List<Document> docs, Filter filter) {
    int n = docs.size();
    long[] bits = new long[(n + 63) / 64];
    int count = 0;
    for (int i = 0; i < n; i++) {
      if (filter == null || filter.matches(docs.get(i))) {
        bits[i >>> 6] |= 1L << (i & 63);
        count++;
      }
    }
    return new BitSetBits(bits, n, count);
  }

  private static OrdinalTest compile(Filter filter, Segment s) {
    if (filter instanceof Filter.And and) {
      OrdinalTest[] parts = compileAll(and.filters(), s);
      return ord -> {
        for (OrdinalTest t : parts) {
          if (!t.test(ord)) {
            return false;
          }
        }
        return true;
      };
    }
    if (filter instanceof Filter.Or or) {
      OrdinalTest[] parts = compileAll(or.filters(), s);
      return ord -> {
        for (OrdinalTest t : parts) {
          if (t.test(ord)) {
            return true;
          }
        }
        return false;
      };
    }
    if (filter instanceof Filter.Not not) {
      OrdinalTest inner = compile(not.filter(), s);
      return ord -> !inner.test(ord);
    }
    Filter.Compare c = (Filter.Compare) filter;
    if (c.attr().equals("id")) {
      return ord -> c.test(s.id(ord));
    }
    Object[] column = s.column(c.attr());
    if (column == null) {
      boolean constant = c.test(null);
      return ord -> constant;
    }
    return ord -> c.test(column[ord]);
  }

  private static OrdinalTest[] compileAll(List<Filter> filters, Segment s) {
    OrdinalTest[] out = new OrdinalTest[filters.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = compile(filters.get(i), s);
    }
    return out;
  }

  /** A fixed bit set with a known cardinality. */
  private record BitSetBits(long[] bits, int length, int cardinality) implements Bits {
    @Override
    public boolean get(int ord) {
      return (bits[ord >>> 6] & (1L << (ord & 63))) != 0;
    }
  }
}
