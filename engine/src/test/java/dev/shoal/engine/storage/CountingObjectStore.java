package dev.shoal.engine.storage;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the calls made to a store, to assert how many round trips an operation costs. Every call
 * counts, failed ones too; bytes count only when they move. Thread-safe: counters are {@link
 * LongAdder}s, so a read taken while other threads call the store may be mid-update.
 */
public final class CountingObjectStore implements ObjectStore {
  private final ObjectStore delegate;
  private final LongAdder gets = new LongAdder();
  private final LongAdder rangedGets = new LongAdder();
  private final LongAdder stats = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder putIfAbsents = new LongAdder();
  private final LongAdder lostPutIfAbsents = new LongAdder();
  private final LongAdder deletes = new LongAdder();
  private final LongAdder lists = new LongAdder();
  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder bytesWritten = new LongAdder();
  private final Map<String, LongAdder> readsByKey = new ConcurrentHashMap<>();

  public CountingObjectStore(ObjectStore delegate) {
    this.delegate = requireNonNull(delegate, "delegate is null");
  }

  @Override
  public byte[] get(String key) {
    gets.increment();
    readsByKey.computeIfAbsent(key, k -> new LongAdder()).increment();
    byte[] data = delegate.get(key);
    bytesRead.add(data.length);
    return data;
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    rangedGets.increment();
    readsByKey.computeIfAbsent(key, k -> new LongAdder()).increment();
    byte[] data = delegate.getRange(key, offset, length);
    bytesRead.add(data.length);
    return data;
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    stats.increment();
    return delegate.stat(key);
  }

  @Override
  public void put(String key, byte[] data) {
    puts.increment();
    delegate.put(key, data);
    bytesWritten.add(data.length);
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) {
    putIfAbsents.increment();
    boolean created = delegate.putIfAbsent(key, data);
    bytesWritten.add(data.length);
    if (!created) {
      lostPutIfAbsents.increment();
    }
    return created;
  }

  @Override
  public void delete(String key) {
    deletes.increment();
    delegate.delete(key);
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    lists.increment();
    return delegate.list(prefix);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public void close() {
    delegate.close();
  }

  public ObjectStore delegate() {
    return delegate;
  }

  public long gets() {
    return gets.sum();
  }

  public long rangedGets() {
    return rangedGets.sum();
  }

  public long stats() {
    return stats.sum();
  }

  public long puts() {
    return puts.sum();
  }

  public long putIfAbsents() {
    return putIfAbsents.sum();
  }

  public long deletes() {
    return deletes.sum();
  }

  public long lists() {
    return lists.sum();
  }

  /** Bytes returned by {@link #get} and {@link #getRange}. */
  public long bytesRead() {
    return bytesRead.sum();
  }

  /** Bytes sent by {@link #put} and {@link #putIfAbsent}, whether or not the create won. */
  public long bytesWritten() {
    return bytesWritten.sum();
  }

  /** Calls to {@link #get} and {@link #getRange} for keys starting with {@code prefix}. */
  public long readsUnder(String prefix) {
    long n = 0;
    for (Map.Entry<String, LongAdder> e : readsByKey.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        n += e.getValue().sum();
      }
    }
    return n;
  }

  /**
   * Put-if-absent calls that found the key taken: races lost (a commit then rebases and retries).
   */
  public long lostPutIfAbsents() {
    return lostPutIfAbsents.sum();
  }

  /** Every call: one round trip each on a remote store. */
  public long roundTrips() {
    return gets() + rangedGets() + stats() + puts() + putIfAbsents() + deletes() + lists();
  }

  /** Sets every counter to zero. */
  public void reset() {
    for (LongAdder counter :
        List.of(
            gets,
            rangedGets,
            stats,
            puts,
            putIfAbsents,
            lostPutIfAbsents,
            deletes,
            lists,
            bytesRead,
            bytesWritten)) {
      counter.reset();
    }
    readsByKey.clear();
  }

  @Override
  public String toString() {
    return "CountingObjectStore[gets="
        + gets()
        + ", rangedGets="
        + rangedGets()
        + ", stats="
        + stats()
        + ", puts="
        + puts()
        + ", putIfAbsents="
        + putIfAbsents()
        + ", deletes="
        + deletes()
        + ", lists="
        + lists()
        + ", bytesRead="
        + bytesRead()
        + ", bytesWritten="
        + bytesWritten()
        + "]";
  }
}
