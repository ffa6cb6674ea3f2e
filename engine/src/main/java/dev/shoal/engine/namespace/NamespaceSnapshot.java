package dev.shoal.engine.namespace;

import dev.shoal.engine.cache.MemoryCache;
import dev.shoal.engine.manifest.Manifest;
import dev.shoal.engine.model.Document;
import java.util.Collections;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A namespace as of one manifest version, ready to answer reads: the WAL tail folded into the
 * newest state per id. Immutable and thread-safe; built by {@link SnapshotLoader}, which reuses
 * the previous version's snapshot when the new version only appended batches.
 */
public final class NamespaceSnapshot implements MemoryCache.Weighted {
  private final Manifest manifest;
  private final Map<String, TailEntry> tail;
  private final int liveCount;
  private final long weightBytes;
  private final int walBatchesFolded;

  NamespaceSnapshot(
      Manifest manifest, Map<String, TailEntry> tail, int walBatchesFolded, long weightBytes) {
    this.manifest = manifest;
    this.tail = Collections.unmodifiableMap(tail);
    this.walBatchesFolded = walBatchesFolded;
    this.weightBytes = weightBytes;
    int live = 0;
    for (TailEntry e : tail.values()) {
      if (e.document() != null) {
        live++;
      }
    }
    this.liveCount = live;
  }

  public Manifest manifest() {
    return manifest;
  }

  public long version() {
    return manifest.version();
  }

  /** The live document with this id, or null. */
  public Document get(String id) {
    TailEntry e = tail.get(id);
    return e == null ? null : e.document();
  }

  /** Number of live documents. */
  public long liveCount() {
    return liveCount;
  }

  /** Visits every live document (in no particular order). */
  public void forEachLive(Consumer<Document> action) {
    for (TailEntry e : tail.values()) {
      if (e.document() != null) {
        action.accept(e.document());
      }
    }
  }

  /** Documents scanned without an index (the WAL tail). */
  public long exhaustiveDocs() {
    return tail.size();
  }

  Map<String, TailEntry> tail() {
    return tail;
  }

  int walBatchesFolded() {
    return walBatchesFolded;
  }

  @Override
  public long weightBytes() {
    return weightBytes;
  }
}
