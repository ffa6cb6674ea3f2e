package dev.shoal.engine.storage;

import static java.util.Objects.requireNonNull;

/**
 * What a store knows about one object.
 *
 * @param key the object's key
 * @param size its length in bytes
 * @param lastModifiedMillis when it was written, in epoch milliseconds (the backend's clock)
 */
public record ObjectInfo(String key, long size, long lastModifiedMillis) {
  public ObjectInfo {
    requireNonNull(key, "key is null");
    if (size < 0) {
      throw new IllegalArgumentException("size is negative: " + size);
    }
  }
}
