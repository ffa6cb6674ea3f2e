package dev.shoal.engine.query;

import dev.shoal.engine.Consistency;
import dev.shoal.engine.InvalidRequestException;
import java.util.List;

/**
 * A query, as API.md specifies it. Either {@code rankBy} (a single ranking) or {@code queries}
 * (hybrid: sub-queries fused with reciprocal rank fusion) is set; with neither, matching documents
 * come in id order.
 *
 * @param rankBy the ranking, or null
 * @param queries hybrid sub-queries, or empty
 * @param fusionK the RRF constant {@code k} for hybrid queries
 * @param filter documents must match it, or null
 * @param topK 1 to 10,000 results
 */
public record QueryRequest(
    RankBy rankBy,
    List<SubQuery> queries,
    int fusionK,
    Filter filter,
    int topK,
    IncludeAttributes includeAttributes,
    boolean includeText,
    boolean includeVector,
    Consistency consistency) {

  public static final int MAX_TOP_K = 10_000;
  public static final int DEFAULT_TOP_K = 10;
  public static final int DEFAULT_FUSION_K = 60;

  /**
   * One ranking of a hybrid query, run to its own depth {@code topK}, with an optional filter of
   * its own (combined with the query's).
   */
  public record SubQuery(RankBy rankBy, Filter filter, int topK) {
    public SubQuery {
      if (rankBy == null) {
        throw new InvalidRequestException("Invalid query: a hybrid sub-query has no rank_by");
      }
      checkTopK(topK);
    }
  }

  public QueryRequest {
    queries = queries == null ? List.of() : List.copyOf(queries);
    includeAttributes = includeAttributes == null ? IncludeAttributes.ALL : includeAttributes;
    consistency = consistency == null ? Consistency.STRONG : consistency;
    checkTopK(topK);
    if (rankBy != null && !queries.isEmpty()) {
      throw new InvalidRequestException(
          "Invalid query: give either rank_by or queries (hybrid), not both");
    }
    if (fusionK < 0) {
      throw new InvalidRequestException("Invalid fusion k " + fusionK + ": must not be negative");
    }
  }

  static void checkTopK(int topK) {
    if (topK < 1 || topK > MAX_TOP_K) {
      throw new InvalidRequestException("Invalid top_k " + topK + ": expected 1 to " + MAX_TOP_K);
    }
  }

  public boolean hybrid() {
    return !queries.isEmpty();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link QueryRequest} with API.md's defaults. */
  public static final class Builder {
    private RankBy rankBy;
    private List<SubQuery> queries = List.of();
    private int fusionK = DEFAULT_FUSION_K;
    private Filter filter;
    private int topK = DEFAULT_TOP_K;
    private IncludeAttributes includeAttributes = IncludeAttributes.ALL;
    private boolean includeText;
    private boolean includeVector;
    private Consistency consistency = Consistency.STRONG;

    private Builder() {}

    public Builder rankBy(RankBy value) {
      rankBy = value;
      return this;
    }

    public Builder queries(List<SubQuery> value) {
      queries = value;
      return this;
    }

    public Builder fusionK(int value) {
      fusionK = value;
      return this;
    }

    public Builder filter(Filter value) {
      filter = value;
      return this;
    }

    public Builder topK(int value) {
      checkTopK(value);
      topK = value;
      return this;
    }

    public Builder includeAttributes(IncludeAttributes value) {
      includeAttributes = value;
      return this;
    }

    public Builder includeText(boolean value) {
      includeText = value;
      return this;
    }

    public Builder includeVector(boolean value) {
      includeVector = value;
      return this;
    }

    public Builder consistency(Consistency value) {
      consistency = value;
      return this;
    }

    public QueryRequest build() {
      return new QueryRequest(
          rankBy,
          queries,
          fusionK,
          filter,
          topK,
          includeAttributes,
          includeText,
          includeVector,
          consistency);
    }
  }
}
