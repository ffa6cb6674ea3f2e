package dev.shoal.engine.segment;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.model.Document;

/**
 * One id's state as a segment stores it: the document after the record with sequence number {@code
 * seq}, or a tombstone (null document) that hides the id in older segments.
 */
public record SegmentEntry(String id, long seq, Document document) {
  public SegmentEntry {
    requireNonNull(id, "id is null");
  }

  public boolean tombstone() {
    return document == null;
  }
}
