package dev.shoal.kafka.mapping;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.engine.model.SparseVector;
import java.util.List;
import java.util.Map;

/** What one record asks of its namespace: write a document, patch one, or delete one. */
public sealed interface SinkOperation {

  /** The document id the operation applies to. */
  String id();

  /** A rough size in memory and on the wire, for batching and back-pressure. */
  long estimatedBytes();

  /** The dense vector's dimension, or 0 if the operation carries none. */
  int dimension();

  /** Replace the whole document. */
  record Upsert(Document document) implements SinkOperation {
    public Upsert {
      requireNonNull(document, "document is null");
    }

    @Override
    public String id() {
      return document.id();
    }

    @Override
    public long estimatedBytes() {
      return Sizes.of(
          document.id(), document.vector(), document.sparse(), document.text(), document.attrs());
    }

    @Override
    public int dimension() {
      return document.dimension();
    }
  }

  /** Merge fields into the stored document. */
  record Patch(DocumentPatch patch) implements SinkOperation {
    public Patch {
      requireNonNull(patch, "patch is null");
    }

    @Override
    public String id() {
      return patch.id();
    }

    @Override
    public long estimatedBytes() {
      return Sizes.of(patch.id(), patch.vector(), patch.sparse(), patch.text(), patch.attrs());
    }

    @Override
    public int dimension() {
      return patch.dimension();
    }
  }

  /** Remove the document. */
  record Delete(String id) implements SinkOperation {
    public Delete {
      Document.validateId(id);
    }

    @Override
    public long estimatedBytes() {
      return Sizes.OVERHEAD + 2L * id.length();
    }

    @Override
    public int dimension() {
      return 0;
    }
  }

  /** Size estimates: Java heap sizes, roughly, which also bound the encoded size. */
  final class Sizes {
    static final long OVERHEAD = 64;

    private Sizes() {}

    static long of(
        String id,
        float[] vector,
        SparseVector sparse,
        Map<String, String> text,
        Map<String, Object> attrs) {
      long n = OVERHEAD + 2L * id.length();
      if (vector != null) {
        n += 16 + 4L * vector.length;
      }
      if (sparse != null) {
        n += 32 + 8L * sparse.size();
      }
      for (Map.Entry<String, String> e : text.entrySet()) {
        n +=
            48 + 2L * e.getKey().length() + (e.getValue() == null ? 0 : 2L * e.getValue().length());
      }
      for (Map.Entry<String, Object> e : attrs.entrySet()) {
        n += 48 + 2L * e.getKey().length() + valueSize(e.getValue());
      }
      return n;
    }

    private static long valueSize(Object v) {
      if (v instanceof String s) {
        return 40 + 2L * s.length();
      }
      if (v instanceof List<?> list) {
        long n = 24;
        for (Object o : list) {
          n += 8 + valueSize(o);
        }
        return n;
      }
      return 16;
    }
  }
}
