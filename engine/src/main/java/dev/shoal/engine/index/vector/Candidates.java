package dev.shoal.engine.index.vector;

/**
 * The best {@code capacity} (estimate, id) pairs of a code scan, ranked like {@link TopK} (higher
 * score first, then lower id), kept lazily: pairs are appended to a buffer a few times larger, and
 * only when it fills is it cut back to the best {@code capacity} by selection, which raises the
 * {@link #floor}. A scan offers thousands of estimates, most of them to a rerank set of a few
 * hundred; one linear selection per buffer costs a fraction of a heap sift per offer.
 *
 * <p>The pairs kept are exactly those a {@code TopK(capacity)} offered the same pairs would keep: a
 * pair below the floor has {@code capacity} better ones already. A NaN estimate ranks first (it is
 * reranked on its exact score). Not thread-safe; one per search.
 */
final class Candidates {
  private final int capacity;
  private final float[] scores;
  private final long[] ids;
  private int size;
  private float floor = Float.NEGATIVE_INFINITY;

  Candidates(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.capacity = capacity;
    int buffer = Math.max(4 * capacity, 256);
    this.scores = new float[buffer];
    this.ids = new long[buffer];
  }

  /**
   * A score below which {@link #add} may skip a pair: the worst kept score once {@code capacity}
   * pairs were cut back to, else negative infinity. Only rises.
   */
  float floor() {
    return floor;
  }

  /** Adds a pair; callers may first skip pairs whose score is below {@link #floor}. */
  void add(float score, long id) {
    if (size == scores.length) {
      keepBest();
    }
    scores[size] = score != score ? Float.POSITIVE_INFINITY : score;
    ids[size] = id;
    size++;
  }

  /** The kept pairs, best first, into {@code outIds} / {@code outScores}; returns the count. */
  int drainSorted(long[] outIds, float[] outScores) {
    if (size > capacity) {
      keepBest();
    }
    TopK sorted = new TopK(size);
    for (int i = 0; i < size; i++) {
      sorted.offer(scores[i], ids[i]);
    }
    size = 0;
    return sorted.drainSorted(outIds, outScores);
  }

  /** How many pairs a drain returns at most right now (for sizing its arrays). */
  int bound() {
    return Math.min(size, capacity);
  }

  /** Moves the best {@code capacity} pairs to the front, drops the rest, raises the floor. */
  private void keepBest() {
    int lo = 0;
    int hi = size - 1;
    int k = capacity; // the first k positions must end up holding the best k pairs
    while (lo < hi) {
      int p = partition(lo, hi);
      if (p == k || p == k - 1) {
        break;
      } else if (p < k) {
        lo = p + 1;
      } else {
        hi = p - 1;
      }
    }
    size = capacity;
    float worst = Float.POSITIVE_INFINITY;
    for (int i = 0; i < size; i++) {
      worst = Math.min(worst, scores[i]);
    }
    floor = worst;
  }

  /**
   * Partitions {@code [lo, hi]} around a median-of-three pivot: better pairs before it, worse
   * after; returns the pivot's final position.
   */
  private int partition(int lo, int hi) {
    int mid = (lo + hi) >>> 1;
    if (better(mid, lo)) {
      swap(mid, lo);
    }
    if (better(hi, lo)) {
      swap(hi, lo);
    }
    if (better(hi, mid)) {
      swap(hi, mid);
    }
    // Now lo >= mid >= hi in rank: use mid as the pivot, parked at hi (where it stays).
    swap(mid, hi);
    int store = lo;
    for (int i = lo; i < hi; i++) {
      if (better(i, hi)) {
        swap(i, store++);
      }
    }
    swap(store, hi);
    return store;
  }

  private boolean better(int i, int j) {
    return scores[i] > scores[j] || (scores[i] == scores[j] && ids[i] < ids[j]);
  }

  private void swap(int i, int j) {
    float s = scores[i];
    scores[i] = scores[j];
    scores[j] = s;
    long id = ids[i];
    ids[i] = ids[j];
    ids[j] = id;
  }
}
