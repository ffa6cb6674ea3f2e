package dev.shoal.engine.index;

/**
 * A set of document ordinals within one segment, such as the documents that pass a filter and are
 * not deleted. Thread-safe for reads.
 */
public interface Bits {

  /** Whether ordinal {@code ord} is in the set. */
  boolean get(int ord);

  /** The number of ordinals the set ranges over ({@code 0..length()-1}). */
  int length();

  /**
   * How many ordinals are in the set, or an upper-bound estimate when counting is expensive. Search
   * uses it to choose between index search and an exact scan of the matches.
   */
  int cardinality();

  /** Every ordinal below {@code length}. */
  static Bits all(int length) {
    return new Bits() {
      @Override
      public boolean get(int ord) {
        return true;
      }

      @Override
      public int length() {
        return length;
      }

      @Override
      public int cardinality() {
        return length;
      }
    };
  }
}
