package dev.shoal.flink.internal;

import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.storage.ObjectStores;
import dev.shoal.engine.storage.StoreOptions;
import java.net.URI;

/** Opens the engine's file and S3 backends for a store URI (see {@link ObjectStores}). */
final class StoreBackends {
  private StoreBackends() {}

  static ObjectStore open(URI uri, S3Settings s3) {
    StoreOptions.Builder options = StoreOptions.builder(uri.toString());
    if (s3.endpoint() != null) {
      options.s3Endpoint(s3.endpoint());
    }
    if (s3.region() != null) {
      options.s3Region(s3.region());
    }
    if (s3.pathStyleAccess() != null) {
      options.s3PathStyle(s3.pathStyleAccess());
    }
    if (s3.accessKeyId() != null) {
      options.s3AccessKeyId(s3.accessKeyId()).s3SecretAccessKey(s3.secretAccessKey());
    }
    return ObjectStores.open(options.build());
  }
}
