package dev.shoal.bench;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.storage.ObjectStore;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * A store wrapper for benchmarks. It always counts the bytes and calls written per kind of object
 * (WAL batch, segment, manifest version, head, other), and while tracing is on it also records
 * every call with its thread and start and end times, and the size of every object written (in
 * order).
 *
 * <p>Thread-safe.
 */
final class StoreProbe implements ObjectStore {

  /** What an object key names, from the engine's layout. */
  enum Kind {
    WAL,
    SEGMENT,
    MANIFEST,
    HEAD,
    OTHER;

    static Kind of(String key) {
      if (key.contains("/wal/")) {
        return WAL;
      }
      if (key.contains("/segments/")) {
        return SEGMENT;
      }
      if (key.contains("/manifests/")) {
        return MANIFEST;
      }
      if (key.contains("/heads/")) {
        return HEAD;
      }
      return OTHER;
    }
  }

  /** One traced call. */
  record Call(String op, String key, long bytes, String thread, long startNanos, long endNanos) {
    Kind kind() {
      return Kind.of(key);
    }
  }

  private final ObjectStore delegate;
  private final Map<Kind, LongAdder> bytesWritten = new EnumMap<>(Kind.class);
  private final Map<Kind, LongAdder> objectsWritten = new EnumMap<>(Kind.class);
  private final LongAdder bytesRead = new LongAdder();
  private volatile boolean tracing;
  private final ConcurrentLinkedQueue<Call> trace = new ConcurrentLinkedQueue<>();

  StoreProbe(ObjectStore delegate) {
    this.delegate = requireNonNull(delegate, "delegate is null");
    for (Kind k : Kind.values()) {
      bytesWritten.put(k, new LongAdder());
      objectsWritten.put(k, new LongAdder());
    }
  }

  /** Starts recording calls (and clears what was recorded). */
  void startTrace() {
    trace.clear();
    tracing = true;
  }

  /** Stops recording and returns the calls recorded, in the order they ended. */
  List<Call> stopTrace() {
    tracing = false;
    return new ArrayList<>(trace);
  }

  long bytesWritten(Kind kind) {
    return bytesWritten.get(kind).sum();
  }

  long objectsWritten(Kind kind) {
    return objectsWritten.get(kind).sum();
  }

  long bytesWritten() {
    long n = 0;
    for (LongAdder a : bytesWritten.values()) {
      n += a.sum();
    }
    return n;
  }

  long bytesRead() {
    return bytesRead.sum();
  }

  private void traced(String op, String key, long bytes, long start) {
    if (tracing) {
      trace.add(
          new Call(op, key, bytes, Thread.currentThread().getName(), start, System.nanoTime()));
    }
  }

  private void wrote(String key, long bytes) {
    Kind k = Kind.of(key);
    bytesWritten.get(k).add(bytes);
    objectsWritten.get(k).increment();
  }

  @Override
  public byte[] get(String key) {
    long start = System.nanoTime();
    try {
      byte[] data = delegate.get(key);
      bytesRead.add(data.length);
      return data;
    } finally {
      traced("get", key, 0, start);
    }
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    long start = System.nanoTime();
    try {
      byte[] data = delegate.getRange(key, offset, length);
      bytesRead.add(data.length);
      return data;
    } finally {
      traced("getRange", key, 0, start);
    }
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    long start = System.nanoTime();
    try {
      return delegate.stat(key);
    } finally {
      traced("stat", key, 0, start);
    }
  }

  @Override
  public void put(String key, byte[] data) {
    long start = System.nanoTime();
    try {
      delegate.put(key, data);
      wrote(key, data.length);
    } finally {
      traced("put", key, data.length, start);
    }
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) {
    long start = System.nanoTime();
    try {
      boolean created = delegate.putIfAbsent(key, data);
      if (created) {
        wrote(key, data.length);
      }
      return created;
    } finally {
      traced("putIfAbsent", key, data.length, start);
    }
  }

  @Override
  public void delete(String key) {
    long start = System.nanoTime();
    try {
      delegate.delete(key);
    } finally {
      traced("delete", key, 0, start);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    long start = System.nanoTime();
    try {
      return delegate.list(prefix);
    } finally {
      traced("list", prefix, 0, start);
    }
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
