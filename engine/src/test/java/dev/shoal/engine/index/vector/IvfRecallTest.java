package dev.shoal.engine.index.vector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.index.Bits;
import dev.shoal.engine.index.RangeReader;
import dev.shoal.engine.model.DistanceMetric;
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
