package dev.shoal.engine.storage;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An object store in the heap, for tests and embedded use. Thread-safe; {@link #putIfAbsent} is
 * atomic through {@link ConcurrentSkipListMap#putIfAbsent}. Contents are lost with the instance, so
 * it is shared by handing the same instance to several engines.
 */
public final class InMemoryObjectStore implements ObjectStore {
  private record Blob(byte[] data, long lastModifiedMillis) {}

  private final ConcurrentNavigableMap<String, Blob> objects = new ConcurrentSkipListMap<>();
  private final Clock clock;

  public InMemoryObjectStore() {
    this(Clock.systemUTC());
  }

  public InMemoryObjectStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public byte[] get(String key) {
    return blob(key).data.clone();
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "Cannot read range of " + key + ": offset " + offset + " and length " + length);
    }
    byte[] data = blob(key).data;
    if (offset >= data.length) {
      return new byte[0];
    }
    int end = (int) Math.min(data.length, offset + length);
    return Arrays.copyOfRange(data, (int) offset, end);
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    Blob blob = objects.get(ObjectKeys.validate(key));
    return blob == null
        ? Optional.empty()
        : Optional.of(new ObjectInfo(key, blob.data.length, blob.lastModifiedMillis));
  }

  @Override
  public void put(String key, byte[] data) {
    objects.put(ObjectKeys.validate(key), new Blob(data.clone(), clock.millis()));
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) {
    return objects.putIfAbsent(ObjectKeys.validate(key), new Blob(data.clone(), clock.millis()))
        == null;
  }

  @Override
  public void delete(String key) {
    objects.remove(ObjectKeys.validate(key));
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    ObjectKeys.validatePrefix(prefix);
    List<ObjectInfo> out = new ArrayList<>();
    for (Map.Entry<String, Blob> e : objects.tailMap(prefix, true).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      out.add(
          new ObjectInfo(e.getKey(), e.getValue().data.length, e.getValue().lastModifiedMillis));
    }
    return out;
  }

  @Override
  public String describe() {
    return "memory:";
  }

  private Blob blob(String key) {
    Blob blob = objects.get(ObjectKeys.validate(key));
    if (blob == null) {
      throw new ObjectNotFoundException(key);
    }
    return blob;
  }
}
