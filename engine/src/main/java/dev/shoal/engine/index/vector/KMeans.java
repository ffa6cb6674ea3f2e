package dev.shoal.engine.index.vector;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.IntConsumer;

/**
 * Lloyd's k-means on a random sample, then one assignment pass over every vector and centroids
 * recomputed as the means of their members (so residuals are centred). Euclidean; cosine callers
 * pass unit vectors. Not thread-safe; the assignment passes fan out to the given executor.
 */
final class KMeans {

  record Result(float[] centroids, int[] assignment, int[] sizes) {}

  private final int dimension;
  private final Executor executor;

  KMeans(int dimension, Executor executor) {
    this.dimension = dimension;
    this.executor = executor;
  }

  Result cluster(float[] data, int n, int k, int iterations, int sampleSize, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int d = dimension;
    int s = Math.min(n, Math.max(k, sampleSize));
    float[] sample;
    if (s == n) {
      sample = data;
    } else {
      int[] idx = partialShuffle(n, s, random);
      sample = new float[s * d];
      for (int i = 0; i < s; i++) {
        System.arraycopy(data, idx[i] * d, sample, i * d, d);
      }
    }
    // Seeds: k distinct sample points.
    float[] centroids = new float[k * d];
    int[] seeds = partialShuffle(s, k, random);
    for (int c = 0; c < k; c++) {
      System.arraycopy(sample, seeds[c] * d, centroids, c * d, d);
    }
    int[] assign = new int[s];
    for (int it = 0; it < iterations; it++) {
      assign(sample, s, centroids, k, assign);
      int[] sizes = recompute(sample, s, assign, centroids, k);
      fixEmpty(sample, s, assign, centroids, sizes, random);
    }
    int[] all = new int[n];
    assign(data, n, centroids, k, all);
    int[] sizes = recompute(data, n, all, centroids, k);
    return new Result(centroids, all, sizes);
  }

  /** Nearest centroid of each vector: argmin |c|^2 - 2 x.c, one dot product per pair. */
  void assign(float[] data, int n, float[] centroids, int k, int[] out) {
    int d = dimension;
    float[] norms = new float[k];
    for (int c = 0; c < k; c++) {
      norms[c] = VectorKernels.dot(centroids, c * d, centroids, c * d, d);
    }
    parallelFor(
        n,
        i -> {
          int best = 0;
          float bestScore = Float.POSITIVE_INFINITY;
          for (int c = 0; c < k; c++) {
            float score = norms[c] - 2f * VectorKernels.dot(data, i * d, centroids, c * d, d);
            if (score < bestScore) {
              bestScore = score;
              best = c;
            }
          }
          out[i] = best;
        });
  }

  private int[] recompute(float[] data, int n, int[] assign, float[] centroids, int k) {
    int d = dimension;
    double[] sums = new double[k * d];
    int[] sizes = new int[k];
    for (int i = 0; i < n; i++) {
      int c = assign[i];
      sizes[c]++;
      int base = c * d;
      int off = i * d;
      for (int j = 0; j < d; j++) {
        sums[base + j] += data[off + j];
      }
    }
    for (int c = 0; c < k; c++) {
      if (sizes[c] > 0) {
        double inv = 1.0 / sizes[c];
        for (int j = 0; j < d; j++) {
          centroids[c * d + j] = (float) (sums[c * d + j] * inv);
        }
      }
    }
    return sizes;
  }

  /** An empty cluster takes a random member of the largest one, nudged apart. */
  private void fixEmpty(
      float[] sample, int s, int[] assign, float[] centroids, int[] sizes, SplittableRandom r) {
    int d = dimension;
    for (int c = 0; c < sizes.length; c++) {
      if (sizes[c] > 0) {
        continue;
      }
      int largest = 0;
      for (int j = 1; j < sizes.length; j++) {
        if (sizes[j] > sizes[largest]) {
          largest = j;
        }
      }
      if (sizes[largest] <= 1) {
        return;
      }
      int pick = -1;
      for (int tries = 0; tries < 64 && pick < 0; tries++) {
        int i = r.nextInt(s);
        if (assign[i] == largest) {
          pick = i;
        }
      }
      if (pick < 0) {
        pick = r.nextInt(s);
      }
      for (int j = 0; j < d; j++) {
        float v = sample[pick * d + j];
        float eps = 1e-4f * (Math.abs(v) + 1e-3f);
        centroids[c * d + j] = v + eps;
        centroids[largest * d + j] -= eps * 1e-2f;
      }
      sizes[c] = sizes[largest] / 2;
      sizes[largest] -= sizes[c];
    }
  }

  private void parallelFor(int n, IntConsumer body) {
    int chunks = executor == null ? 1 : Math.min(64, Math.max(1, n / 256));
    if (chunks <= 1) {
      for (int i = 0; i < n; i++) {
        body.accept(i);
      }
      return;
    }
    List<CompletableFuture<Void>> futures = new ArrayList<>(chunks);
    for (int t = 0; t < chunks; t++) {
      int from = (int) ((long) n * t / chunks);
      int to = (int) ((long) n * (t + 1) / chunks);
      futures.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = from; i < to; i++) {
                  body.accept(i);
                }
              },
              executor));
    }
    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
  }

  /** The first {@code m} entries of a random permutation of {@code 0..n-1}. */
  private static int[] partialShuffle(int n, int m, SplittableRandom random) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    for (int i = 0; i < m; i++) {
      int j = i + random.nextInt(n - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    int[] out = new int[m];
    System.arraycopy(idx, 0, out, 0, m);
    return out;
  }
}
