package dev.shoal.engine.query;

import java.util.List;

/** The rows of a query, best first, and how it ran. */
public record QueryResult(List<QueryRow> rows, QueryPerformance performance) {
  public QueryResult {
    rows = List.copyOf(rows);
  }
}
