package dev.shoal.engine.gc;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.shoal.engine.CommitFailedException;
import dev.shoal.engine.manifest.NamespaceLayout;
import dev.shoal.engine.storage.CorruptObjectException;
import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.storage.ObjectNotFoundException;
import dev.shoal.engine.storage.ObjectStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Reads and commits a project's {@link RefTable}: like manifests, each change creates the next
 * version {@code <org>/<project>/refs/<version>.json} with put-if-absent, and a loser re-reads and
 * re-applies its change, so concurrent engines never lose an update.
 *
 * <p>Thread-safe.
 */
public final class RefTableStore {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private static final int ATTEMPTS = 100;
  private static final int KEEP_VERSIONS = 10;

  private final ObjectStore store;
  private final Clock clock;
  private final Duration retention;

  public RefTableStore(ObjectStore store, Clock clock, Duration retention) {
    this.store = store;
    this.clock = clock;
    this.retention = retention;
  }

  static String prefix(String org, String project) {
    return NamespaceLayout.projectRoot(org, project) + "refs/";
  }

  static String key(String org, String project, long version) {
    return prefix(org, project) + String.format("%020d", version) + ".json";
  }

  /** The newest table (an empty version 0 if the project never shared an object). */
  public RefTable read(String org, String project) {
    List<ObjectInfo> versions = store.list(prefix(org, project));
    RefTable table = RefTable.empty();
    for (int i = versions.size() - 1; i >= 0; i--) {
      try {
        table = decode(versions.get(i).key(), store.get(versions.get(i).key()));
        break;
      } catch (ObjectNotFoundException e) {
        // collected meanwhile: try the one before
      }
    }
    while (true) {
      String next = key(org, project, table.version() + 1);
      try {
        table = decode(next, store.get(next));
      } catch (ObjectNotFoundException e) {
        return table;
      }
    }
  }

  /**
   * Applies a change to the newest table and commits it, retrying on lost races.
   *
   * @param change the new references given the current ones (a mutable copy), or null for no change
   * @return the committed table (or the current one if nothing changed)
   */
  public RefTable update(
      String org,
      String project,
      Function<Map<String, Map<String, Long>>, Map<String, Map<String, Long>>> change) {
    RefTable base = read(org, project);
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Map<String, Map<String, Long>> refs = change.apply(base.mutableRefs());
      if (refs == null) {
        return base;
      }
      RefTable next =
          new RefTable(
              RefTable.FORMAT_VERSION, base.version() + 1, UUID.randomUUID().toString(), refs);
      byte[] bytes;
      try {
        bytes = MAPPER.writeValueAsBytes(next);
      } catch (IOException e) {
        throw new IllegalStateException("Cannot encode the reference table", e);
      }
      if (store.putIfAbsent(key(org, project, next.version()), bytes)) {
        if (next.version() % KEEP_VERSIONS == 0) {
          expire(org, project);
        }
        return next;
      }
      base = read(org, project);
    }
    throw new CommitFailedException(
        "Cannot update the shared-object table of "
            + org
            + "/"
            + project
            + ": lost the race "
            + ATTEMPTS
            + " times; retry later",
        null);
  }

  private void expire(String org, String project) {
    List<ObjectInfo> versions = store.list(prefix(org, project));
    long cutoff = clock.millis() - retention.toMillis();
    for (int i = 0; i < versions.size() - KEEP_VERSIONS; i++) {
      if (versions.get(i + 1).lastModifiedMillis() > cutoff) {
        break;
      }
      store.delete(versions.get(i).key());
    }
  }

  private static RefTable decode(String key, byte[] data) {
    try {
      RefTable t = MAPPER.readValue(data, RefTable.class);
      if (t.formatVersion() > RefTable.FORMAT_VERSION) {
        throw new CorruptObjectException(
            key, "format " + t.formatVersion() + " was written by a newer Shoal");
      }
      return t;
    } catch (IOException e) {
      throw new CorruptObjectException(key, "not a valid reference table: " + e.getMessage(), e);
    }
  }
}
