package dev.shoal.engine.index;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Random access to the bytes of one index (a section of a segment object), wherever they live: in
 * the heap, in the local disk cache, or on object storage behind ranged reads.
 *
 * <p>Indexes are laid out so that a search needs few, large, independent ranges; {@link #readAll}
 * lets a remote implementation fetch them in parallel (one sequential round trip for the lot).
 *
 * <p>Implementations are thread-safe. Returned buffers are little-endian, positioned at 0, and must
 * not be modified.
 */
public interface RangeReader {

  /** Total length of the bytes. */
  long length();

  /**
   * Reads {@code length} bytes at {@code offset}.
   *
   * @throws IndexOutOfBoundsException if the range is not inside {@code [0, length())}
   */
  ByteBuffer read(long offset, int length);

  /** Reads several ranges, each {@code {offset, length}}; remote readers fetch them in parallel. */
  default List<ByteBuffer> readAll(List<long[]> ranges) {
    List<ByteBuffer> out = new ArrayList<>(ranges.size());
    for (long[] r : ranges) {
      out.add(read(r[0], Math.toIntExact(r[1])));
    }
    return out;
  }

  /** A reader over bytes already in memory. */
  static RangeReader of(ByteBuffer bytes) {
    return new HeapRangeReader(bytes);
  }

  /** A reader over bytes already in memory. */
  static RangeReader of(byte[] bytes) {
    return new HeapRangeReader(ByteBuffer.wrap(bytes));
  }
}
