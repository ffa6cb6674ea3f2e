package dev.shoal.flink.internal;

import dev.shoal.engine.storage.LocalFileStore;
import dev.shoal.engine.storage.ObjectStore;
import java.net.URI;
import java.nio.file.Path;

/** Opens the engine's backends for a store URI. */
final class StoreBackends {
  private StoreBackends() {}

  static ObjectStore open(URI uri, S3Settings s3) {
    switch (uri.getScheme()) {
      case "file":
        return new LocalFileStore(Path.of(uri));
      default:
        throw new UnsupportedOperationException(
            "Cannot open store "
                + uri
                + ": this build has no S3 backend yet; use a file:// store (or an"
                + " objectStoreFactory)");
    }
  }
}
