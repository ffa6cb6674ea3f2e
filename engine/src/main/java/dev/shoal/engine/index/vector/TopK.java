package dev.shoal.engine.index.vector;

/**
 * The best {@code k} (score, id) pairs seen: higher score first, then lower id. A binary heap whose
 * root is the worst kept pair. Not thread-safe; one per search.
 */
final class TopK {
  private final int capacity;
  private final float[] scores;
  private final long[] ids;
  private int size;

  TopK(int capacity) {
    this.capacity = capacity;
    this.scores = new float[capacity];
    this.ids = new long[capacity];
  }

  int size() {
    return size;
  }

  /** Whether (score, id) ranks after (otherScore, otherId). */
  private static boolean worse(float score, long id, float otherScore, long otherId) {
    return score < otherScore || (score == otherScore && id > otherId);
  }

  void offer(float score, long id) {
    if (size < capacity) {
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 1;
        if (!worse(score, id, scores[parent], ids[parent])) {
          break;
        }
        scores[i] = scores[parent];
        ids[i] = ids[parent];
        i = parent;
      }
      scores[i] = score;
      ids[i] = id;
    } else if (capacity > 0 && worse(scores[0], ids[0], score, id)) {
      siftDown(score, id);
    }
  }

  private void siftDown(float score, long id) {
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && worse(scores[right], ids[right], scores[child], ids[child])) {
        child = right;
      }
      if (!worse(scores[child], ids[child], score, id)) {
        break;
      }
      scores[i] = scores[child];
      ids[i] = ids[child];
      i = child;
    }
    scores[i] = score;
    ids[i] = id;
  }

  /** Empties the heap into {@code outIds} / {@code outScores}, best first; returns the count. */
  int drainSorted(long[] outIds, float[] outScores) {
    int n = size;
    for (int i = n - 1; i >= 0; i--) {
      outIds[i] = ids[0];
      outScores[i] = scores[0];
      size--;
      if (size > 0) {
        siftDown(scores[size], ids[size]);
      }
    }
    return n;
  }
}
