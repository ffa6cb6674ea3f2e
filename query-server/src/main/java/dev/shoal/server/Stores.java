package dev.shoal.server;

import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.storage.ObjectStore;

/** Opens the object store that {@code --store} names. */
final class Stores {
  private Stores() {}

  /**
   * Opens the store.
   *
   * @throws IllegalArgumentException if it cannot be opened, saying why
   */
  static ObjectStore open(ServerConfig config) {
    String uri = config.store();
    if (uri.startsWith("mem://")) {
      return new InMemoryObjectStore();
    }
    // The file and S3 backends (dev.shoal.engine.storage.ObjectStores) are being written on the
    // engine's storage branch; this is the one place to call them once they are on main.
    throw new IllegalArgumentException(
        "Cannot open store "
            + uri
            + ": this build has no file or S3 backend yet; use --store mem:// (in memory)");
  }
}
