package dev.shoal.engine.namespace;

import dev.shoal.engine.model.Document;

/**
 * The newest state of one id in the WAL tail: the document after the record with sequence number
 * {@code seq}, or null if that record deleted it (or patched a missing id).
 */
record TailEntry(long seq, Document document) {}
