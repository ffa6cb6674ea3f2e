package dev.shoal.engine.query;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Keeps the best {@code k} (id, score) pairs: higher score first, equal scores by ascending id. Not
 * thread-safe.
 */
public final class TopK<T> {
  /** A scored item. */
  public record Scored<T>(String id, double score, T item) {}

  /** Best first: score descending, then id ascending. */
  public static final Comparator<Scored<?>> BEST_FIRST =
      Comparator.<Scored<?>>comparingDouble(s -> -s.score()).thenComparing(Scored::id);

  private final int k;
  // The worst kept item is at the head.
  private final PriorityQueue<Scored<T>> heap;

  public TopK(int k) {
    this.k = k;
    this.heap = new PriorityQueue<>(Math.min(k, 1024) + 1, BEST_FIRST.reversed());
  }

  /** Offers an item; returns whether it was kept. */
  public boolean offer(String id, double score, T item) {
    if (heap.size() >= k) {
      Scored<T> worst = heap.peek();
      if (score < worst.score() || (score == worst.score() && id.compareTo(worst.id()) >= 0)) {
        return false;
      }
      heap.poll();
    }
    heap.add(new Scored<>(id, score, item));
    return true;
  }

  /** The lowest score kept once full, or negative infinity before. */
  public double threshold() {
    return heap.size() < k ? Double.NEGATIVE_INFINITY : heap.peek().score();
  }

  public int size() {
    return heap.size();
  }

  /** The kept items, best first. */
  public List<Scored<T>> result() {
    List<Scored<T>> out = new ArrayList<>(heap);
    out.sort(BEST_FIRST);
    return Collections.unmodifiableList(out);
  }
}
