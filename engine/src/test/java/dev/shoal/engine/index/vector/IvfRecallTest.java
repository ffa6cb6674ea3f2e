package dev.shoal.engine.index.vector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.index.Bits;
import dev.shoal.engine.index.RangeReader;
import dev.shoal.engine.model.DistanceMetric;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Recall@10 of the default search against brute force on seeded clustered data. */
class IvfRecallTest {

  static final long SEED = 7_2026L;
  static final int N = 20_000;
  static final int DIM = 64;
  static final int QUERIES = 40;
  static final int K = 10;

  static final Map<DistanceMetric, float[]> DATA = new EnumMap<>(DistanceMetric.class);
  static final Map<DistanceMetric, IvfIndex> INDEXES = new EnumMap<>(DistanceMetric.class);
  static final Map<DistanceMetric, byte[]> BYTES = new EnumMap<>(DistanceMetric.class);

  @BeforeAll
  static void build() {
    for (DistanceMetric metric : DistanceMetric.values()) {
      float[] data =
          VectorTestData.clustered(
              N, DIM, 200, 0.6, metric == DistanceMetric.DOT, SEED + metric.ordinal());
      byte[] bytes = IvfIndexWriter.builder(metric, DIM).seed(SEED).build().write(data);
      DATA.put(metric, data);
      BYTES.put(metric, bytes);
      INDEXES.put(metric, IvfIndex.load(RangeReader.of(bytes), "recall-" + metric));
    }
  }

  @ParameterizedTest
  @EnumSource(DistanceMetric.class)
  void defaultSearchHasRecallAtLeast095(DistanceMetric metric) {
    for (double pass : new double[] {1.0, 0.5, 0.05, 0.005}) {
      double recall = recall(metric, pass, SearchParams.DEFAULT);
      assertThat(recall)
          .as("recall@10 of %s with filter passing %s, seed %d", metric, pass, SEED)
          .isGreaterThanOrEqualTo(0.95);
    }
    // Without the exact fallback, a 5% filter must still be found by probing more clusters.
    double recall = recall(metric, 0.05, SearchParams.DEFAULT.withExactThreshold(0));
    assertThat(recall)
        .as("recall@10 of %s through the clusters with a 5%% filter, seed %d", metric, SEED)
        .isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void openedIndexReturnsWhatTheLoadedOneReturns() {
    DistanceMetric metric = DistanceMetric.EUCLIDEAN;
    IvfIndex opened = IvfIndex.open(RangeReader.of(BYTES.get(metric)), "opened");
    Random r = new Random(SEED);
    float[] queries = VectorTestData.clustered(10, DIM, 200, 0.6, false, SEED + 99);
    for (int i = 0; i < 10; i++) {
      float[] q = VectorTestData.vector(queries, i, DIM);
      Bits allowed = i % 2 == 0 ? null : VectorTestData.randomBits(N, 0.3, r.nextLong());
      VectorSearchResult a = INDEXES.get(metric).search(q, K, allowed);
      VectorSearchResult b = opened.search(q, K, allowed);
      assertThat(b.ordinals()).as("query %d seed %d", i, SEED).containsExactly(a.ordinals());
      assertThat(b.scores()).containsExactly(a.scores());
      assertThat(b.stats().readRounds()).isEqualTo(1);
      assertThat(a.stats().readRounds()).isZero();
    }
  }

  /**
   * Filters correlated with the clusters: the matches are the members of clusters chosen by their
   * rank in the query's probe order, so that the clusters probed first hold none or few. By default
   * such a search must find the true neighbours (probing on, or falling back to exact search);
   * without the exact fallback it must still probe on until it returns k hits.
   */
  @ParameterizedTest
  @EnumSource(DistanceMetric.class)
  void filtersCorrelatedWithClustersKeepRecallAndReturnKHits(DistanceMetric metric) {
    boolean dot = metric == DistanceMetric.DOT;
    float[] data = DATA.get(metric);
    IvfIndex loaded = INDEXES.get(metric);
    IvfIndex opened = IvfIndex.open(RangeReader.of(BYTES.get(metric)), "opened-" + metric);
    float[] queries =
        VectorTestData.clustered(N + QUERIES, DIM, 200, 0.6, dot, SEED + metric.ordinal());
    int clusters = loaded.clusters();
    String[] kinds = {
      "all but the 20 clusters probed first",
      "half of all but the 20 clusters probed first",
      "the clusters probed 40th to 79th",
      "the 2 clusters probed last"
    };
    SearchParams[] settings = {SearchParams.DEFAULT, SearchParams.DEFAULT.withExactThreshold(0)};
    for (int kind = 0; kind < kinds.length; kind++) {
      for (SearchParams params : settings) {
        for (IvfIndex index : new IvfIndex[] {loaded, opened}) {
          Random r = new Random(SEED + kind);
          double total = 0;
          for (int i = 0; i < QUERIES; i++) {
            float[] q = VectorTestData.vector(queries, N + i, DIM);
            int[] order = loaded.probeOrder(q);
            BitSet set = new BitSet(N);
            for (int rank = 0; rank < clusters; rank++) {
              boolean pass =
                  switch (kind) {
                    case 0, 1 -> rank >= 20;
                    case 2 -> rank >= 40 && rank < 80;
                    default -> rank >= clusters - 2;
                  };
              if (pass) {
                for (int ord : loaded.members(order[rank])) {
                  if (kind != 1 || r.nextBoolean()) {
                    set.set(ord);
                  }
                }
              }
            }
            Bits allowed = new VectorTestData.TestBits(set, N);
            int[] expected = VectorTestData.bruteForce(metric, data, q, K, allowed);
            VectorSearchResult got = index.search(q, K, allowed, params);
            String what =
                String.format(
                    "%s, filter %s, %s, %s index, query %d, seed %d",
                    metric, kinds[kind], params, index.isLoaded() ? "loaded" : "open", i, SEED);
            assertThat(got.size()).as(what).isEqualTo(Math.min(K, set.cardinality()));
            for (int j = 0; j < got.size(); j++) {
              assertThat(allowed.get(got.ordinal(j))).as(what).isTrue();
            }
            total += VectorTestData.recall(expected, got.ordinals());
          }
          if (params.equals(SearchParams.DEFAULT)) {
            assertThat(total / QUERIES)
                .as("recall@10 of %s, filter %s, %s", metric, kinds[kind], params)
                .isGreaterThanOrEqualTo(0.95);
          }
        }
      }
    }
  }

  static double recall(DistanceMetric metric, double pass, SearchParams params) {
    float[] data = DATA.get(metric);
    IvfIndex index = INDEXES.get(metric);
    // Queries: fresh points from the same distribution (same centres, other noise).
    float[] queries =
        VectorTestData.clustered(
            N + QUERIES, DIM, 200, 0.6, metric == DistanceMetric.DOT, SEED + metric.ordinal());
    Random r = new Random(SEED ^ Double.doubleToLongBits(pass));
    double total = 0;
    for (int i = 0; i < QUERIES; i++) {
      float[] q = VectorTestData.vector(queries, N + i, DIM);
      Bits allowed = pass >= 1.0 ? null : VectorTestData.randomBits(N, pass, r.nextLong());
      int[] expected = VectorTestData.bruteForce(metric, data, q, K, allowed);
      VectorSearchResult got = index.search(q, K, allowed, params);
      total += VectorTestData.recall(expected, got.ordinals());
    }
    return total / QUERIES;
  }
}
