package dev.shoal.engine.index.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CandidatesTest {

  @Test
  void keepsExactlyWhatAHeapKeeps() {
    Random random = new Random(7);
    for (int round = 0; round < 300; round++) {
      int capacity = 1 + random.nextInt(round % 3 == 0 ? 5 : 300);
      int n = random.nextInt(5_000);
      // Few distinct scores in some rounds, so that ties are broken by id.
      int distinct = round % 2 == 0 ? 1 + random.nextInt(20) : Integer.MAX_VALUE;
      Candidates lazy = new Candidates(capacity);
      TopK heap = new TopK(capacity);
      for (int i = 0; i < n; i++) {
        float score =
            distinct == Integer.MAX_VALUE
                ? (float) random.nextGaussian()
                : random.nextInt(distinct) - distinct / 2f;
        long id = ((long) random.nextInt(50) << 32) | i;
        heap.offer(score, id);
        // As the scan does: skip what is below the floor.
        if (!(score < lazy.floor())) {
          lazy.add(score, id);
        }
      }
      int expected = Math.min(n, capacity);
      assertThat(lazy.bound()).isEqualTo(expected);
      long[] lazyIds = new long[expected];
      float[] lazyScores = new float[expected];
      long[] heapIds = new long[expected];
      float[] heapScores = new float[expected];
      assertThat(lazy.drainSorted(lazyIds, lazyScores)).isEqualTo(expected);
      assertThat(heap.drainSorted(heapIds, heapScores)).isEqualTo(expected);
      assertThat(lazyIds).as("round %d, capacity %d, n %d", round, capacity, n).isEqualTo(heapIds);
      assertThat(lazyScores).isEqualTo(heapScores);
    }
  }

  @Test
  void floorRisesOnlyOnceTheBufferIsCutBack() {
    Candidates c = new Candidates(2);
    for (int i = 0; i < 256; i++) {
      c.add(i, i);
    }
    assertThat(c.floor()).isEqualTo(Float.NEGATIVE_INFINITY);
    c.add(1_000, 1_000); // the buffer of 256 is full: cut back to the best two
    assertThat(c.floor()).isEqualTo(254f);
    long[] ids = new long[2];
    float[] scores = new float[2];
    assertThat(c.drainSorted(ids, scores)).isEqualTo(2);
    assertThat(ids).containsExactly(1_000, 255);
    assertThat(scores).containsExactly(1_000f, 255f);
  }

  @Test
  void aNanEstimateIsKeptFirst() {
    Candidates c = new Candidates(3);
    float[] input = {1f, Float.NaN, 3f, 2f, -1f};
    for (int i = 0; i < input.length; i++) {
      c.add(input[i], i);
    }
    long[] ids = new long[3];
    float[] scores = new float[3];
    c.drainSorted(ids, scores);
    assertThat(ids).containsExactly(1, 2, 3);
    assertThat(Arrays.copyOf(scores, 1)).containsExactly(Float.POSITIVE_INFINITY);
  }

  @Test
  void refusesAnEmptyCapacity() {
    assertThatThrownBy(() -> new Candidates(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity must be positive: 0");
  }
}
