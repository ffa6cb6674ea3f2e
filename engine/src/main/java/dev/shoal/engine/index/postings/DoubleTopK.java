package dev.shoal.engine.index.postings;

/**
 * Keeps the k best (ordinal, score) pairs by a {@code double} score: higher is better, equal scores
 * by ascending ordinal. A bounded min-heap whose root is the current k-th best. Not thread-safe.
 */
public final class DoubleTopK {
  private final int k;
  private final double[] scores;
  private final int[] ords;
  private int size;

  public DoubleTopK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("Cannot collect top k: k must be at least 1, got " + k);
    }
    this.k = k;
    this.scores = new double[k];
    this.ords = new int[k];
  }

  public boolean isFull() {
    return size == k;
  }

  public int size() {
    return size;
  }

  /**
   * The score a document must beat to enter, {@link Double#NEGATIVE_INFINITY} while not full. When
   * documents arrive in ascending ordinal order, one whose score equals the threshold cannot enter
   * (the k-th best has a smaller ordinal), so a score upper bound {@code <= threshold()} prunes.
   */
  public double threshold() {
    return size == k ? scores[0] : Double.NEGATIVE_INFINITY;
  }

  /** Offers a document; returns whether it entered. */
  public boolean offer(int ord, double score) {
    if (size < k) {
      scores[size] = score;
      ords[size] = ord;
      siftUp(size++);
      return true;
    }
    if (!worse(scores[0], ords[0], score, ord)) {
      return false;
    }
    scores[0] = score;
    ords[0] = ord;
    siftDown(0);
    return true;
  }

  /** Whether (s1, o1) ranks below (s2, o2). */
  private static boolean worse(double s1, int o1, double s2, int o2) {
    return s1 < s2 || (s1 == s2 && o1 > o2);
  }

  private void siftUp(int i) {
    double s = scores[i];
    int o = ords[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!worse(s, o, scores[parent], ords[parent])) {
        break;
      }
      scores[i] = scores[parent];
      ords[i] = ords[parent];
      i = parent;
    }
    scores[i] = s;
    ords[i] = o;
  }

  private void siftDown(int i) {
    double s = scores[i];
    int o = ords[i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size
          && worse(scores[child + 1], ords[child + 1], scores[child], ords[child])) {
        child++;
      }
      if (!worse(scores[child], ords[child], s, o)) {
        break;
      }
      scores[i] = scores[child];
      ords[i] = ords[child];
      i = child;
    }
    scores[i] = s;
    ords[i] = o;
  }

  /** Drains the heap, best first. */
  public TopHits toHits(SearchStats stats) {
    int n = size;
    int[] outOrds = new int[n];
    double[] outScores = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      outOrds[i] = ords[0];
      outScores[i] = scores[0];
      size--;
      if (size > 0) {
        scores[0] = scores[size];
        ords[0] = ords[size];
        siftDown(0);
      }
    }
    return new TopHits(outOrds, outScores, stats);
  }
}
