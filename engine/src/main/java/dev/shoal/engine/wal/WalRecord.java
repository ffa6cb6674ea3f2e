package dev.shoal.engine.wal;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;

/**
 * One change in a WAL batch. Records carry no sequence number: the commit that references the batch
 * assigns them (see {@link dev.shoal.engine.manifest.WalRef}), so a writer that loses a commit race
 * re-uses the same object with new numbers.
 */
public sealed interface WalRecord {

  /** The document this record changes. */
  String id();

  /** Creates or replaces a document. */
  record Upsert(Document document) implements WalRecord {
    public Upsert {
      requireNonNull(document, "document is null");
    }

    @Override
    public String id() {
      return document.id();
    }
  }

  /** Merges into a document if it exists when the record is applied; otherwise does nothing. */
  record Patch(DocumentPatch patch) implements WalRecord {
    public Patch {
      requireNonNull(patch, "patch is null");
    }

    @Override
    public String id() {
      return patch.id();
    }
  }

  /** Removes a document; deleting a missing id does nothing. */
  record Delete(String id) implements WalRecord {
    public Delete {
      Document.validateId(id);
    }
  }
}
