package dev.shoal.bench;

import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.storage.ObjectStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Records when each store call starts and ends, to count the sequential round trips of an
 * operation: the longest chain of calls where each starts after the previous one ended (calls in
 * parallel count once).
 */
final class TimelineStore implements ObjectStore {
  record Call(String op, String key, long start, long end) {}

  private final ObjectStore delegate;
  private final List<Call> calls = new ArrayList<>();

  TimelineStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  synchronized void reset() {
    calls.clear();
  }

  synchronized List<Call> calls() {
    return new ArrayList<>(calls);
  }

  /** The length of the longest chain of non-overlapping calls. */
  synchronized int sequentialRounds() {
    List<Call> sorted = new ArrayList<>(calls);
    sorted.sort(Comparator.comparingLong(Call::start));
    int[] depth = new int[sorted.size()];
    int best = 0;
    for (int i = 0; i < sorted.size(); i++) {
      depth[i] = 1;
      for (int j = 0; j < i; j++) {
        if (sorted.get(j).end() <= sorted.get(i).start()) {
          depth[i] = Math.max(depth[i], depth[j] + 1);
        }
      }
      best = Math.max(best, depth[i]);
    }
    return best;
  }

  private <T> T record(String op, String key, java.util.function.Supplier<T> call) {
    long start = System.nanoTime();
    try {
      return call.get();
    } finally {
      long end = System.nanoTime();
      synchronized (this) {
        calls.add(new Call(op, key, start, end));
      }
    }
  }

  @Override
  public byte[] get(String key) {
    return record("get", key, () -> delegate.get(key));
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    return record("getRange", key, () -> delegate.getRange(key, offset, length));
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    return record("stat", key, () -> delegate.stat(key));
  }

  @Override
  public void put(String key, byte[] data) {
    record(
        "put",
        key,
        () -> {
          delegate.put(key, data);
          return null;
        });
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) {
    return record("putIfAbsent", key, () -> delegate.putIfAbsent(key, data));
  }

  @Override
  public void delete(String key) {
    record(
        "delete",
        key,
        () -> {
          delegate.delete(key);
          return null;
        });
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    return record("list", prefix, () -> delegate.list(prefix));
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
