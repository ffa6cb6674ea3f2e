package dev.shoal.engine.index.vector;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.index.RangeReader;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps a {@link RangeReader} and counts sequential rounds (each {@link #read} or {@link #readAll}
 * call is one round trip to a remote store) and bytes. For tests, benchmarks and metrics;
 * thread-safe.
 */
public final class CountingRangeReader implements RangeReader {
  private final RangeReader delegate;
  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong ranges = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  public CountingRangeReader(RangeReader delegate) {
    this.delegate = requireNonNull(delegate, "delegate is null");
  }

  @Override
  public long length() {
    return delegate.length();
  }

  @Override
  public ByteBuffer read(long offset, int length) {
    rounds.incrementAndGet();
    ranges.incrementAndGet();
    bytes.addAndGet(length);
    return delegate.read(offset, length);
  }

  @Override
  public List<ByteBuffer> readAll(List<long[]> list) {
    rounds.incrementAndGet();
    ranges.addAndGet(list.size());
    for (long[] r : list) {
      bytes.addAndGet(r[1]);
    }
    return delegate.readAll(list);
  }

  /** Calls to {@link #read} plus calls to {@link #readAll}. */
  public long rounds() {
    return rounds.get();
  }

  public long ranges() {
    return ranges.get();
  }

  public long bytes() {
    return bytes.get();
  }

  public void reset() {
    rounds.set(0);
    ranges.set(0);
    bytes.set(0);
  }
}
