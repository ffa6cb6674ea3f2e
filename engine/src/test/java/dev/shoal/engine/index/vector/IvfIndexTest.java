package dev.shoal.engine.index.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shoal.engine.index.Bits;
import dev.shoal.engine.index.RangeReader;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.storage.CorruptObjectException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IvfIndexTest {

  static final long SEED = 31_337L;

  /** Both ways of opening an index: reading through the RangeReader, and fully loaded. */
  static IvfIndex[] openBoth(byte[] bytes, String name) {
    return new IvfIndex[] {
      IvfIndex.open(RangeReader.of(bytes), name), IvfIndex.load(RangeReader.of(bytes), name)
    };
  }

  @ParameterizedTest
  @EnumSource(DistanceMetric.class)
  void exactSearchEqualsBruteForceWithFiltersAndTies(DistanceMetric metric) {
    Random r = new Random(SEED);
    for (int dim : new int[] {1, 7, 33}) {
      int n = 600;
      float[] data = VectorTestData.integers(n, dim, SEED + dim);
      // Duplicates make exact ties that must come back in ascending ordinal order.
      for (int i = 0; i < 60; i++) {
        System.arraycopy(data, r.nextInt(n) * dim, data, r.nextInt(n) * dim, dim);
      }
      for (int flatThreshold : new int[] {IvfIndexWriter.DEFAULT_FLAT_THRESHOLD, 0}) {
        byte[] bytes =
            IvfIndexWriter.builder(metric, dim)
                .flatThreshold(flatThreshold)
                .seed(SEED)
                .build()
                .write(data);
        for (IvfIndex index : openBoth(bytes, "exact")) {
          assertThat(index.isFlat()).isEqualTo(flatThreshold > 0);
          for (int t = 0; t < 12; t++) {
            float[] q = VectorTestData.integers(1, dim, r.nextLong());
            Bits allowed =
                switch (t % 4) {
                  case 0 -> null;
                  case 1 -> VectorTestData.randomBits(n, 0.5, r.nextLong());
                  case 2 -> VectorTestData.of(n, 3, 77, 200, 599);
                  default -> VectorTestData.randomBits(n, 0.02, r.nextLong());
                };
            int k = t % 3 == 0 ? 25 : 10;
            String msg =
                metric
                    + " dim "
                    + dim
                    + " flat "
                    + index.isFlat()
                    + " query "
                    + t
                    + " seed "
                    + SEED;
            assertExact(metric, data, q, k, allowed, index.exactSearch(q, k, allowed), msg);
            if (index.isFlat()) {
              assertExact(metric, data, q, k, allowed, index.search(q, k, allowed), msg);
            }
          }
        }
      }
    }
  }

  private static void assertExact(
      DistanceMetric metric,
      float[] data,
      float[] q,
      int k,
      Bits allowed,
      VectorSearchResult got,
      String msg) {
    int[] expected = VectorTestData.bruteForce(metric, data, q, k, allowed);
    assertThat(got.stats().exact()).as(msg).isTrue();
    assertThat(got.size()).as(msg).isEqualTo(expected.length);
    for (int i = 0; i < got.size(); i++) {
      double want = VectorTestData.score(metric, data, expected[i], q);
      assertThat((double) got.score(i)).as(msg + " rank " + i).isCloseTo(want, within(1e-5));
      if (i > 0) {
        assertThat(got.score(i)).as(msg).isLessThanOrEqualTo(got.score(i - 1));
        if (got.score(i) == got.score(i - 1)) {
          assertThat(got.ordinal(i)).as(msg + " tie order").isGreaterThan(got.ordinal(i - 1));
        }
      }
    }
    if (metric != DistanceMetric.COSINE) {
      // Integer data: float arithmetic is exact, so even the tie order must match.
      assertThat(got.ordinals()).as(msg).containsExactly(expected);
    }
  }

  @Test
  void coldSearchReadsHeadThenProbedClustersInOneRound() {
    int dim = 32;
    float[] data = VectorTestData.clustered(5000, dim, 50, 0.5, false, SEED);
    byte[] bytes =
        IvfIndexWriter.builder(DistanceMetric.EUCLIDEAN, dim).seed(SEED).build().write(data);
    CountingRangeReader counting = new CountingRangeReader(RangeReader.of(bytes));
    IvfIndex index = IvfIndex.open(counting, "cold");
    assertThat(counting.rounds()).as("open reads the head in one round").isEqualTo(1);
    float[] q = VectorTestData.vector(data, 17, dim);
    VectorSearchResult result = index.search(q, 10, null);
    assertThat(counting.rounds()).as("cold search rounds").isEqualTo(2);
    assertThat(result.stats().readRounds()).isEqualTo(1);
    assertThat(result.stats().clustersProbed()).isEqualTo(index.defaultNprobe());
    assertThat(result.stats().bytesRead()).isLessThan(bytes.length / 4);
    assertThat(result.ordinal(0)).isEqualTo(17);
    assertThat(result.score(0)).isEqualTo(0f);

    // Filtered ANN stays at one round per search once the head is cached.
    counting.reset();
    index.search(q, 10, VectorTestData.randomBits(5000, 0.5, SEED));
    assertThat(counting.rounds()).isEqualTo(1);

    // An exact search over a few allowed ordinals reads the ordinal map once, then the vectors.
    counting.reset();
    Bits few = VectorTestData.of(5000, 17, 18, 19, 4000);
    VectorSearchResult exact = index.search(q, 10, few);
    assertThat(exact.stats().exact()).isTrue();
    assertThat(exact.ordinals()).hasSize(4).startsWith(17);
    assertThat(counting.rounds()).isEqualTo(2);
    counting.reset();
    index.search(q, 10, few);
    assertThat(counting.rounds()).isEqualTo(1);
  }

  @Test
  void headLargerThanPrefetchCostsOneMoreReadAtOpen() {
    int dim = 16;
    float[] data = VectorTestData.clustered(3000, dim, 20, 0.5, false, SEED);
    byte[] bytes = IvfIndexWriter.builder(DistanceMetric.DOT, dim).seed(SEED).build().write(data);
    CountingRangeReader counting = new CountingRangeReader(RangeReader.of(bytes));
    IvfIndex small = IvfIndex.open(counting, "small-prefetch", 100);
    assertThat(counting.rounds()).isEqualTo(2);
    counting.reset();
    IvfIndex exact =
        IvfIndex.open(
            counting, "exact-prefetch", IvfIndex.headLength(ByteBuffer.wrap(bytes, 0, 64)));
    assertThat(counting.rounds()).isEqualTo(1);
    assertThat(counting.bytes()).isEqualTo(exact.headLength());
    float[] q = VectorTestData.vector(data, 5, dim);
    assertThat(small.search(q, 5, null).ordinals())
        .containsExactly(exact.search(q, 5, null).ordinals());
  }

  @Test
  void emptyIndexReturnsNothing() {
    byte[] bytes = IvfIndexWriter.builder(DistanceMetric.COSINE, 4).build().write(new float[0]);
    for (IvfIndex index : openBoth(bytes, "empty")) {
      assertThat(index.size()).isZero();
      assertThat(index.clusters()).isZero();
      assertThat(index.search(new float[4], 10, null).size()).isZero();
      assertThat(index.exactSearch(new float[4], 10, Bits.all(0)).size()).isZero();
    }
  }

  @Test
  void singleVectorAndKLargerThanN() {
    byte[] one =
        IvfIndexWriter.builder(DistanceMetric.EUCLIDEAN, 3).build().write(new float[] {1, 2, 3});
    for (IvfIndex index : openBoth(one, "one")) {
      VectorSearchResult r = index.search(new float[] {1, 2, 4}, 10, null);
      assertThat(r.ordinals()).containsExactly(0);
      assertThat(r.scores()).containsExactly(-1f);
    }
    float[] data = VectorTestData.clustered(3000, 8, 10, 0.3, false, SEED);
    byte[] bytes =
        IvfIndexWriter.builder(DistanceMetric.EUCLIDEAN, 8).seed(SEED).build().write(data);
    for (IvfIndex index : openBoth(bytes, "k>n")) {
      Bits three = VectorTestData.of(3000, 5, 6, 2999);
      assertThat(index.search(VectorTestData.vector(data, 6, 8), 50, three).ordinals())
          .containsExactlyInAnyOrder(5, 6, 2999)
          .startsWith(6);
      assertThat(index.search(VectorTestData.vector(data, 6, 8), 5000, null).size())
          .as("k > n returns every vector when every cluster is probed")
          .isLessThanOrEqualTo(3000);
      assertThat(index.exactSearch(VectorTestData.vector(data, 6, 8), 5000, null).size())
          .isEqualTo(3000);
    }
  }

  @ParameterizedTest
  @EnumSource(DistanceMetric.class)
  void dimensionOneWorksWithClusters(DistanceMetric metric) {
    Random r = new Random(SEED);
    float[] data = new float[4000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) r.nextGaussian() * 10;
    }
    byte[] bytes = IvfIndexWriter.builder(metric, 1).seed(SEED).build().write(data);
    IvfIndex index = IvfIndex.load(RangeReader.of(bytes), "dim1");
    assertThat(index.clusters()).isGreaterThan(1);
    float[] q = {3.5f};
    int[] expected = VectorTestData.bruteForce(metric, data, q, 5, null);
    VectorSearchResult got =
        index.search(q, 5, null, SearchParams.DEFAULT.withNprobe(index.clusters()));
    for (int i = 0; i < 5; i++) {
      assertThat((double) got.score(i))
          .as("%s rank %d seed %d", metric, i, SEED)
          .isCloseTo(VectorTestData.score(metric, data, expected[i], q), within(1e-4));
    }
  }

  @Test
  void cosineWithZeroVectorsScoresZeroNotNaN() {
    int dim = 6;
    float[] data = VectorTestData.clustered(3000, dim, 10, 0.5, false, SEED);
    Arrays.fill(data, 10 * dim, 11 * dim, 0f);
    byte[] bytes =
        IvfIndexWriter.builder(DistanceMetric.COSINE, dim).seed(SEED).build().write(data);
    for (IvfIndex index : openBoth(bytes, "zeros")) {
      VectorSearchResult viaZeroQuery = index.search(new float[dim], 3, null);
      assertThat(viaZeroQuery.scores()).containsExactly(0f, 0f, 0f);
      VectorSearchResult onlyZero =
          index.search(VectorTestData.vector(data, 3, dim), 1, VectorTestData.of(3000, 10));
      assertThat(onlyZero.ordinals()).containsExactly(10);
      assertThat(onlyZero.scores()).containsExactly(0f);
      VectorSearchResult all = index.exactSearch(VectorTestData.vector(data, 3, dim), 3000, null);
      for (float s : all.scores()) {
        assertThat(s).isBetween(-1f, 1f);
      }
      assertThat(all.score(0)).isCloseTo(1f, within(1e-6f));
    }
  }

  @Test
  void nonIvfQuantizationNoneProbesWithFullVectors() {
    int dim = 24;
    float[] data = VectorTestData.clustered(6000, dim, 40, 0.5, false, SEED);
    byte[] bytes =
        IvfIndexWriter.builder(DistanceMetric.EUCLIDEAN, dim)
            .quantization(Quantization.NONE)
            .seed(SEED)
            .build()
            .write(data);
    IvfIndex index = IvfIndex.load(RangeReader.of(bytes), "ivf-flat");
    assertThat(index.isFlat()).isFalse();
    float[] q = VectorTestData.vector(data, 99, dim);
    VectorSearchResult r = index.search(q, 10, null);
    assertThat(r.ordinal(0)).isEqualTo(99);
    assertThat(r.stats().codesScanned()).isZero();
    assertThat(r.stats().vectorsScoredExactly()).isGreaterThan(10);
  }

  @Test
  void concurrentSearchesOnOneIndexAgreeWithSequentialOnes() throws Exception {
    int dim = 32;
    float[] data = VectorTestData.clustered(6000, dim, 30, 0.5, false, SEED);
    byte[] bytes =
        IvfIndexWriter.builder(DistanceMetric.COSINE, dim).seed(SEED).build().write(data);
    IvfIndex index = IvfIndex.open(RangeReader.of(bytes), "concurrent");
    Bits few = VectorTestData.randomBits(6000, 0.01, SEED);
    int[][] expected = new int[40][];
    for (int i = 0; i < expected.length; i++) {
      expected[i] =
          index.search(VectorTestData.vector(data, i, dim), 10, i % 2 == 0 ? null : few).ordinals();
    }
    IvfIndex fresh = IvfIndex.open(RangeReader.of(bytes), "concurrent");
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<int[]>> futures = new java.util.ArrayList<>();
      for (int i = 0; i < expected.length; i++) {
        int qi = i;
        futures.add(
            pool.submit(
                () ->
                    fresh
                        .search(VectorTestData.vector(data, qi, dim), 10, qi % 2 == 0 ? null : few)
                        .ordinals()));
      }
      for (int i = 0; i < expected.length; i++) {
        assertThat(futures.get(i).get())
            .as("query %d seed %d", i, SEED)
            .containsExactly(expected[i]);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void sameInputAndSeedGiveSameBytes() {
    float[] data = VectorTestData.clustered(4000, 16, 20, 0.5, false, SEED);
    IvfIndexWriter writer = IvfIndexWriter.builder(DistanceMetric.COSINE, 16).seed(SEED).build();
    assertThat(writer.write(data)).isEqualTo(writer.write(data));
  }

  @Test
  void rejectsBadQueriesAndInputs() {
    float[] data = VectorTestData.clustered(100, 4, 3, 0.5, false, SEED);
    IvfIndex index =
        IvfIndex.load(
            RangeReader.of(IvfIndexWriter.builder(DistanceMetric.DOT, 4).build().write(data)),
            "seg-1/vectors");
    assertThatThrownBy(() -> index.search(new float[3], 10, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot search vector index seg-1/vectors: query has dimension 3, index has 4");
    assertThatThrownBy(() -> index.search(new float[4], 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot search vector index seg-1/vectors: k must be at least 1, got 0");
    assertThatThrownBy(() -> index.search(new float[] {0, Float.NaN, 0, 0}, 1, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot search vector index seg-1/vectors: query has a non-finite value NaN at index 1");
    assertThatThrownBy(() -> index.search(new float[4], 1, Bits.all(99)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot search vector index seg-1/vectors: allowed ordinals cover 99, index has 100");
    IvfIndexWriter writer = IvfIndexWriter.builder(DistanceMetric.DOT, 4).build();
    assertThatThrownBy(() -> writer.write(new float[5]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot build vector index: 5 floats is not a multiple of the dimension 4");
    assertThatThrownBy(
            () -> writer.write(new float[] {0, 0, 0, 0, 1, Float.POSITIVE_INFINITY, 0, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot build vector index: vector 1 has a non-finite value Infinity at index 1");
    assertThatThrownBy(() -> IvfIndexWriter.builder(DistanceMetric.DOT, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot build vector index: dimension must be at least 1, got 0");
    assertThatThrownBy(() -> new SearchParams(-1, 0, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot set nprobe: negative value -1");
  }

  @ParameterizedTest
  @EnumSource(DistanceMetric.class)
  void vectorsComeBackBitForBitAsWritten(DistanceMetric metric) {
    int dim = 12;
    int n = 3000;
    float[] data = VectorTestData.clustered(n, dim, 10, 3.0, false, SEED);
    Arrays.fill(data, 7 * dim, 8 * dim, 0f); // a zero vector: cosine scores it 0
    for (int flatThreshold : new int[] {IvfIndexWriter.DEFAULT_FLAT_THRESHOLD * 2, 0}) {
      byte[] bytes =
          IvfIndexWriter.builder(metric, dim)
              .flatThreshold(flatThreshold)
              .seed(SEED)
              .build()
              .write(data);
      for (IvfIndex index : openBoth(bytes, "vectors")) {
        for (int ord = 0; ord < n; ord++) {
          assertThat(index.vector(ord))
              .as("%s ordinal %d loaded %s", metric, ord, index.isLoaded())
              .containsExactly(Arrays.copyOfRange(data, ord * dim, (ord + 1) * dim));
        }
        assertThatThrownBy(() -> index.vector(n)).isInstanceOf(IndexOutOfBoundsException.class);
        float[] q = VectorTestData.vector(data, 3, dim);
        VectorSearchResult all = index.exactSearch(q, n, VectorTestData.of(n, 7, 3));
        if (metric == DistanceMetric.COSINE) {
          assertThat(all.ordinals()).containsExactly(3, 7);
          assertThat(all.scores()[0]).isCloseTo(1f, within(1e-5f));
          assertThat(all.scores()[1]).isZero();
        }
      }
    }
  }

  @Test
  void corruptOrTruncatedBytesFailWithTheIndexName() {
    float[] data = VectorTestData.clustered(3000, 8, 10, 0.5, false, SEED);
    byte[] good =
        IvfIndexWriter.builder(DistanceMetric.EUCLIDEAN, 8).seed(SEED).build().write(data);
    IvfIndex reference = IvfIndex.open(RangeReader.of(good), "ok");
    int head = reference.headLength();

    byte[] badMagic = good.clone();
    badMagic[0] ^= 1;
    assertCorrupt(badMagic, "bad magic");

    byte[] badVersion = good.clone();
    badVersion[4] = 9;
    assertCorrupt(badVersion, "unsupported format version 9 (this build reads 2)");

    byte[] badCentroid = good.clone();
    badCentroid[IvfFormat.HEADER_BYTES + 5] ^= 0x40;
    assertCorrupt(badCentroid, "head checksum mismatch");

    assertCorrupt(
        Arrays.copyOf(good, good.length - 1),
        "truncated: " + (good.length - 1) + " bytes, header says " + good.length);
    assertCorrupt(Arrays.copyOf(good, 10), "truncated: 10 bytes, shorter than the 64-byte header");

    // A flipped bit in a cluster block: load fails; a cold search fails when it reads the block.
    byte[] badBlock = good.clone();
    badBlock[head + 20] ^= 0x10;
    assertThatThrownBy(() -> IvfIndex.load(RangeReader.of(badBlock), "segments/00017/vectors"))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageStartingWith(
            "Cannot decode object segments/00017/vectors: vector index: cluster 0 block checksum mismatch");
    IvfIndex cold = IvfIndex.open(RangeReader.of(badBlock), "segments/00017/vectors");
    assertThatThrownBy(() -> cold.exactSearch(new float[8], 3, null))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("cluster 0 block checksum mismatch");

    byte[] badMap = good.clone();
    badMap[good.length - 8] ^= 1;
    assertThatThrownBy(() -> IvfIndex.load(RangeReader.of(badMap), "m"))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("ordinal map checksum mismatch");
  }

  private static void assertCorrupt(byte[] bytes, String reason) {
    assertThatThrownBy(() -> IvfIndex.open(RangeReader.of(bytes), "segments/00017/vectors"))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageStartingWith(
            "Cannot decode object segments/00017/vectors: vector index: " + reason)
        .satisfies(
            e ->
                assertThat(((CorruptObjectException) e).key()).isEqualTo("segments/00017/vectors"));
  }

  @Test
  void loadedIndexHeapIsAboutRawVectorBytes() {
    int dim = 256;
    float[] data = VectorTestData.clustered(4000, dim, 20, 0.5, false, SEED);
    IvfIndex index =
        IvfIndex.load(
            RangeReader.of(
                IvfIndexWriter.builder(DistanceMetric.COSINE, dim).seed(SEED).build().write(data)),
            "heap");
    double ratio = index.heapBytes() / (double) (data.length * Float.BYTES);
    assertThat(ratio).isBetween(1.0, 1.1);
  }
}
