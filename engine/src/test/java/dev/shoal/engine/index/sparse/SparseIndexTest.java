package dev.shoal.engine.index.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.index.Bits;
import dev.shoal.engine.index.RangeReader;
import dev.shoal.engine.index.postings.TopHits;
import dev.shoal.engine.model.SparseVector;
import dev.shoal.engine.storage.CorruptObjectException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SparseIndexTest {

  static SparseVector randomVector(Random r, int dims, int maxNnz, boolean negatives) {
    TreeMap<Integer, Float> m = new TreeMap<>();
    int nnz = 1 + r.nextInt(maxNnz);
    for (int i = 0; i < nnz; i++) {
      // Skewed dimensions: low ones are common, like frequent vocabulary terms.
      int dim = (int) Math.min(dims - 1, Math.abs(r.nextGaussian()) * dims / 4);
      float v = r.nextInt(8) == 0 ? 1.0f : r.nextFloat() * 3;
      if (negatives && r.nextInt(4) == 0) {
        v = -v;
      }
      m.put(dim, v);
    }
    int[] idx = m.keySet().stream().mapToInt(Integer::intValue).toArray();
    float[] val = new float[idx.length];
    int i = 0;
    for (float v : m.values()) {
      val[i++] = v;
    }
    return new SparseVector(idx, val);
  }

  /** Like learned sparse vectors: common (low) dimensions carry small weights. */
  static SparseVector idfWeighted(SparseVector v) {
    float[] values = v.values().clone();
    for (int i = 0; i < values.length; i++) {
      values[i] *= (float) Math.log(2 + v.indices()[i]);
    }
    return new SparseVector(v.indices(), values);
  }

  static SparseIndexReader index(List<SparseVector> vectors) {
    SparseIndexWriter w = new SparseIndexWriter();
    for (int i = 0; i < vectors.size(); i++) {
      if (vectors.get(i) != null) {
        w.add(i, vectors.get(i));
      }
    }
    return SparseIndexReader.open(RangeReader.of(w.finish(vectors.size())), "test sparse");
  }

  static Bits bits(BitSet set, int n) {
    return new Bits() {
      @Override
      public boolean get(int ord) {
        return set.get(ord);
      }

      @Override
      public int length() {
        return n;
      }

      @Override
      public int cardinality() {
        return set.cardinality();
      }
    };
  }

  /** Brute force: every document sharing a dimension, by dot product, ties by ordinal. */
  static TopHits bruteForce(List<SparseVector> vectors, SparseVector q, int k, BitSet allowed) {
    List<double[]> hits = new ArrayList<>();
    for (int d = 0; d < vectors.size(); d++) {
      SparseVector v = vectors.get(d);
      if (v == null || !allowed.get(d)) {
        continue;
      }
      boolean shares =
          Arrays.stream(v.indices()).anyMatch(x -> Arrays.binarySearch(q.indices(), x) >= 0);
      if (shares) {
        hits.add(new double[] {q.dot(v), d});
      }
    }
    hits.sort((a, b) -> a[0] != b[0] ? Double.compare(b[0], a[0]) : Double.compare(a[1], b[1]));
    int n = Math.min(k, hits.size());
    int[] ords = new int[n];
    double[] scores = new double[n];
    for (int i = 0; i < n; i++) {
      ords[i] = (int) hits.get(i)[1];
      scores[i] = hits.get(i)[0];
    }
    return new TopHits(ords, scores, dev.shoal.engine.index.postings.SearchStats.EMPTY);
  }

  @Test
  void topKEqualsBruteForceOnRandomVectors() {
    for (long seed = 1; seed <= 40; seed++) {
      Random r = new Random(seed);
      int n = 1 + r.nextInt(seed % 5 == 0 ? 8000 : 1500);
      int dims = 20 + r.nextInt(2000);
      boolean negatives = seed % 3 == 0;
      List<SparseVector> vectors = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int roll = r.nextInt(15);
        if (roll == 0) {
          vectors.add(null);
        } else if (roll == 1 && i > 0) {
          vectors.add(vectors.get(r.nextInt(i))); // ties
        } else {
          vectors.add(randomVector(r, dims, 40, negatives));
        }
      }
      SparseIndexReader reader = index(vectors);
      for (int q = 0; q < 10; q++) {
        SparseVector query =
            randomVector(r, dims, new int[] {1, 3, 10, 40}[r.nextInt(4)], negatives);
        if (r.nextInt(6) == 0) {
          float[] values = query.values().clone();
          values[0] = 0f;
          query = new SparseVector(query.indices(), values);
        }
        int k = new int[] {1, 5, 10, 100}[r.nextInt(4)];
        BitSet allowed = new BitSet(n);
        double density = new double[] {1.0, 0.6, 0.05}[r.nextInt(3)];
        for (int d = 0; d < n; d++) {
          if (r.nextDouble() < density) {
            allowed.set(d);
          }
        }
        String what = "seed " + seed + " query " + query + " k " + k + " density " + density;
        TopHits expected = bruteForce(vectors, query, k, allowed);
        TopHits pruned = reader.search(query, k, bits(allowed, n));
        TopHits exhaustive =
            SparseIndexReader.searchExhaustive(vectors, query, k, bits(allowed, n));
        assertThat(pruned.ordinals()).as(what).isEqualTo(expected.ordinals());
        assertThat(pruned.scores()).as(what).isEqualTo(expected.scores());
        assertThat(exhaustive.ordinals()).as(what).isEqualTo(expected.ordinals());
        assertThat(exhaustive.scores()).as(what).isEqualTo(expected.scores());
      }
    }
  }

  @Test
  void pruningSkipsPostingsWhenValuesAreNonNegative() {
    Random r = new Random(3);
    List<SparseVector> vectors = new ArrayList<>();
    for (int i = 0; i < 30000; i++) {
      vectors.add(idfWeighted(randomVector(r, 500, 30, false)));
    }
    SparseIndexReader reader = index(vectors);
    SparseVector query = idfWeighted(randomVector(r, 500, 20, false));
    TopHits hits = reader.search(query, 10, Bits.all(30000));
    assertThat(hits.stats().postingsScored())
        .as("%s", hits.stats())
        .isLessThan(hits.stats().postingsTotal() / 2);
  }

  @Test
  void corruptOrTruncatedBytesFailWithAClearError() {
    Random r = new Random(9);
    SparseIndexWriter w = new SparseIndexWriter();
    for (int i = 0; i < 2000; i++) {
      w.add(i, randomVector(r, 300, 20, true));
    }
    byte[] good = w.finish(2000);
    assertThatThrownBy(
            () -> SparseIndexReader.open(RangeReader.of(Arrays.copyOf(good, 20)), "seg-7 sparse"))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessage(
            "Cannot decode object seg-7 sparse: sparse index is truncated: 20 bytes, less than a header");
    assertThatThrownBy(
            () ->
                SparseIndexReader.open(
                    RangeReader.of(Arrays.copyOf(good, good.length - 3)), "seg-7 sparse"))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("truncated or padded");
    for (int trial = 0; trial < 200; trial++) {
      byte[] bad = good.clone();
      int pos = r.nextInt(bad.length);
      bad[pos] ^= (byte) (1 + r.nextInt(255));
      assertThatThrownBy(
              () -> {
                SparseIndexReader reader =
                    SparseIndexReader.open(RangeReader.of(bad), "seg-7 sparse");
                reader.verifyChecksum();
              })
          .as("corruption at byte %d", pos)
          .isInstanceOf(CorruptObjectException.class)
          .hasMessageStartingWith("Cannot decode object seg-7 sparse: ");
    }
    // A flipped byte in a postings list is caught by the search that reads it.
    SparseIndexReader reader = SparseIndexReader.open(RangeReader.of(good), "seg-7 sparse");
    SparseVector everything =
        new SparseVector(java.util.stream.IntStream.range(0, 300).toArray(), new float[300]);
    assertThat(reader.search(everything, 5, Bits.all(2000)).size()).isEqualTo(5);
    byte[] bad = good.clone();
    bad[bad.length - 100] ^= 0x40;
    SparseIndexReader badReader = SparseIndexReader.open(RangeReader.of(bad), "seg-7 sparse");
    assertThatThrownBy(() -> badReader.search(everything, 5, Bits.all(2000)))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("checksum mismatch");
  }
}
