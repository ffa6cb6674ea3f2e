package dev.shoal.examples;

import dev.shoal.engine.NamespaceInfo;
import dev.shoal.engine.query.QueryResult;
import dev.shoal.engine.query.QueryRow;
import java.io.PrintStream;
import java.util.Locale;

/** Prints namespaces and query results of the embedded engine for the examples. */
public final class Show {
  private Show() {}

  public static void namespace(PrintStream out, NamespaceInfo info) {
    out.printf(
        Locale.ROOT,
        "namespace %s/%s/%s: %,d documents, %d segment(s), %d WAL batch(es), manifest version"
            + " %d%n",
        info.org(),
        info.project(),
        info.namespace(),
        info.docCount(),
        info.segments(),
        info.walFiles(),
        info.version());
  }

  public static void result(PrintStream out, String title, QueryResult result) {
    out.println();
    out.println(title);
    for (QueryRow row : result.rows()) {
      out.printf(Locale.ROOT, "  %-10s %8.4f  %s%n", row.id(), row.score(), row.attrs());
    }
    out.printf(
        Locale.ROOT,
        "  (%d segment(s) searched, %d documents scored exhaustively, cache %s, %.1f ms)%n",
        result.performance().segmentsSearched(),
        result.performance().exhaustiveDocs(),
        result.performance().cache(),
        result.performance().serverMs());
  }
}
