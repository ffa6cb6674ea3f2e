package dev.shoal.flink;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;

/**
 * What one stream record does to its namespace: replace a whole document, change part of one, or
 * delete one. A {@link ShoalConverter} turns each record into one of these.
 *
 * <p>Within a batch only the last change per id is kept (a patch after an upsert of the same id is
 * folded into it), so the namespace ends up as if the changes had been applied one by one in stream
 * order.
 */
public sealed interface ShoalWrite permits ShoalWrite.Upsert, ShoalWrite.Patch, ShoalWrite.Delete {

  /** The id of the document this change is about. */
  String id();

  /** Creates or replaces a document. */
  static ShoalWrite upsert(Document document) {
    return new Upsert(document);
  }

  /** Changes part of a document; a patch of a missing document changes nothing. */
  static ShoalWrite patch(DocumentPatch patch) {
    return new Patch(patch);
  }

  /** Deletes a document; deleting a missing document is not an error. */
  static ShoalWrite delete(String id) {
    return new Delete(id);
  }

  /** Creates or replaces {@link #document()}. */
  record Upsert(Document document) implements ShoalWrite {
    public Upsert {
      requireNonNull(document, "document is null");
    }

    @Override
    public String id() {
      return document.id();
    }
  }

  /** Applies {@link #patch()} to the stored document. */
  record Patch(DocumentPatch patch) implements ShoalWrite {
    public Patch {
      requireNonNull(patch, "patch is null");
    }

    @Override
    public String id() {
      return patch.id();
    }
  }

  /** Deletes the document {@link #id()}. */
  record Delete(String id) implements ShoalWrite {
    public Delete {
      Document.validateId(id);
    }
  }
}
