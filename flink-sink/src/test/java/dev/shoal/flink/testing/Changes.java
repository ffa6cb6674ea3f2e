package dev.shoal.flink.testing;

import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.flink.ShoalWrite;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Deterministic streams of changes: event {@code i} of a stream always yields the same change, so a
 * test computes the expected namespace by applying the events in order.
 */
public final class Changes {
  private Changes() {}

  public static final int DIM = 8;

  /** One input event: an index into a stream. The sink converter turns it into a change. */
  public record Event(long index, String kind, String id, long value) implements Serializable {}

  /**
   * {@code docs} upserts, then {@code docs / 5} replacements, {@code docs / 10} patches and {@code
   * docs / 10} deletes of earlier documents.
   */
  public static Event mixed(long i, int docs) {
    long replaceEnd = docs + docs / 5;
    long patchEnd = replaceEnd + docs / 10;
    if (i < docs) {
      return new Event(i, "upsert", "doc-" + i, 0);
    }
    if (i < replaceEnd) {
      return new Event(i, "upsert", "doc-" + ((i - docs) * 3 % docs), 1);
    }
    if (i < patchEnd) {
      return new Event(i, "patch", "doc-" + ((i - replaceEnd) * 7 % docs), 2);
    }
    return new Event(i, "delete", "doc-" + ((i - patchEnd) * 11 % docs + 1) % docs, 0);
  }

  public static long mixedCount(int docs) {
    return docs + docs / 5 + docs / 10 + docs / 10;
  }

  /** {@code i}: an upsert of a document of its own, {@code doc-i}. */
  public static Event distinct(long i) {
    return new Event(i, "upsert", "doc-" + i, 0);
  }

  public static ShoalWrite toWrite(Event e) {
    switch (e.kind()) {
      case "upsert":
        return ShoalWrite.upsert(document(e));
      case "patch":
        return ShoalWrite.patch(DocumentPatch.attrs(e.id(), Map.of("patched", e.index())));
      default:
        return ShoalWrite.delete(e.id());
    }
  }

  public static Document document(Event e) {
    float[] v = new float[DIM];
    for (int d = 0; d < DIM; d++) {
      v[d] = (float) ((e.index() * 31 + d * 7) % 97) / 97f + 0.01f;
    }
    return new Document(e.id(), v, null, Map.of(), Map.of("n", e.index(), "rev", e.value()));
  }

  /** Applies events in order to a model of the namespace. */
  public static Map<String, NamespaceContents.Doc> expected(Iterable<Event> events) {
    Map<String, Document> docs = new TreeMap<>();
    for (Event e : events) {
      ShoalWrite w = toWrite(e);
      if (w instanceof ShoalWrite.Upsert u) {
        docs.put(e.id(), u.document());
      } else if (w instanceof ShoalWrite.Patch p) {
        docs.computeIfPresent(e.id(), (id, d) -> p.patch().applyTo(d));
      } else {
        docs.remove(e.id());
      }
    }
    Map<String, NamespaceContents.Doc> out = new TreeMap<>();
    docs.forEach(
        (id, d) ->
            out.put(
                id,
                new NamespaceContents.Doc(
                    NamespaceContents.floats(d.vector()), new TreeMap<>(d.attrs()))));
    return out;
  }
}
