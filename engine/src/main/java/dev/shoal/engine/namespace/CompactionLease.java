package dev.shoal.engine.namespace;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.engine.manifest.NamespaceLayout;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.storage.ObjectNotFoundException;
import dev.shoal.engine.storage.ObjectStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most one compactor per namespace across processes: a lease with an expiry.
 *
 * <p>Leases are numbered objects {@code leases/compaction/<n>}; the newest one rules. Taking the
 * lease creates {@code n + 1} with put-if-absent, allowed only when {@code n} is released or
 * expired, so two takers never both win. A crashed holder's lease simply expires. The lease is an
 * optimisation, not a safety measure: a compaction's commit checks that what it folded is still
 * there, so two compactors overlapping after an expiry cannot lose writes.
 *
 * <p>Thread-safe.
 */
final class CompactionLease {
  private static final Logger LOG = LoggerFactory.getLogger(CompactionLease.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  record Body(
      @JsonProperty("owner") String owner,
      @JsonProperty("expires_at_ms") long expiresAtMillis,
      @JsonProperty("released") boolean released) {}

  /** A held lease; release it when done. */
  record Held(String key, String owner) {}

  private final ObjectStore store;
  private final Clock clock;
  private final Duration ttl;

  CompactionLease(ObjectStore store, Clock clock, Duration ttl) {
    this.store = store;
    this.clock = clock;
    this.ttl = ttl;
  }

  static String prefix(NamespacePath ns) {
    return NamespaceLayout.namespaceRoot(ns) + "leases/compaction/";
  }

  /** Takes the lease, or returns null if another compactor holds it. */
  Held tryAcquire(NamespacePath ns, String owner) {
    List<ObjectInfo> leases = store.list(prefix(ns));
    long next = 1;
    if (!leases.isEmpty()) {
      ObjectInfo newest = leases.get(leases.size() - 1);
      next = number(newest.key()) + 1;
      try {
        Body body = MAPPER.readValue(store.get(newest.key()), Body.class);
        if (!body.released() && body.expiresAtMillis() > clock.millis()) {
          return null;
        }
      } catch (ObjectNotFoundException e) {
        return null; // changing hands right now
      } catch (IOException e) {
        LOG.warn("Ignoring unreadable compaction lease {}: {}", newest.key(), e.toString());
      }
    }
    String key = prefix(ns) + String.format("%020d", next);
    if (!store.putIfAbsent(key, encode(new Body(owner, clock.millis() + ttl.toMillis(), false)))) {
      return null;
    }
    for (ObjectInfo old : leases) {
      if (number(old.key()) < next - 1) {
        store.delete(old.key());
      }
    }
    return new Held(key, owner);
  }

  /** Releases a held lease (best effort: it expires anyway). */
  void release(Held held) {
    try {
      store.put(held.key(), encode(new Body(held.owner(), clock.millis(), true)));
    } catch (RuntimeException e) {
      LOG.debug("Cannot release compaction lease {}: {}", held.key(), e.toString());
    }
  }

  private static long number(String key) {
    return Long.parseLong(key.substring(key.lastIndexOf('/') + 1));
  }

  private static byte[] encode(Body body) {
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot encode a compaction lease", e);
    }
  }
}
