package dev.shoal.engine.model;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * A sparse vector: strictly increasing non-negative dimension indices with finite values. Use
 * {@link #of} to sort and check arbitrary input.
 */
public record SparseVector(int[] indices, float[] values) {
  public SparseVector {
    requireNonNull(indices, "indices is null");
    requireNonNull(values, "values is null");
    if (indices.length != values.length) {
      throw new IllegalArgumentException(
          "sparse vector has "
              + indices.length
              + " indices but "
              + values.length
              + " values; they must pair up");
    }
    for (int i = 0; i < indices.length; i++) {
      if (indices[i] < 0) {
        throw new IllegalArgumentException("sparse vector index is negative: " + indices[i]);
      }
      if (i > 0 && indices[i] <= indices[i - 1]) {
        throw new IllegalArgumentException(
            "sparse vector indices must be strictly increasing, found "
                + indices[i - 1]
                + " then "
                + indices[i]);
      }
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(
            "sparse vector value at index " + indices[i] + " is not finite: " + values[i]);
      }
    }
  }

  /** Sorts the pairs by index and checks them; a repeated index is an error. */
  public static SparseVector of(int[] indices, float[] values) {
    requireNonNull(indices, "indices is null");
    requireNonNull(values, "values is null");
    if (indices.length != values.length) {
      return new SparseVector(indices, values); // the constructor explains the mismatch
    }
    Integer[] order = new Integer[indices.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(indices[a], indices[b]));
    int[] sortedIndices = new int[indices.length];
    float[] sortedValues = new float[values.length];
    for (int i = 0; i < order.length; i++) {
      sortedIndices[i] = indices[order[i]];
      sortedValues[i] = values[order[i]];
    }
    return new SparseVector(sortedIndices, sortedValues);
  }

  public int size() {
    return indices.length;
  }

  /** The dot product with another sparse vector. */
  public double dot(SparseVector other) {
    double sum = 0;
    int i = 0;
    int j = 0;
    while (i < indices.length && j < other.indices.length) {
      int a = indices[i];
      int b = other.indices[j];
      if (a == b) {
        sum += (double) values[i++] * other.values[j++];
      } else if (a < b) {
        i++;
      } else {
        j++;
      }
    }
    return sum;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparseVector s
        && Arrays.equals(indices, s.indices)
        && Arrays.equals(values, s.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(indices) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "SparseVector" + Arrays.toString(indices) + "=" + Arrays.toString(values);
  }
}
