package dev.shoal.engine.namespace;

import dev.shoal.engine.index.text.MemoryTextIndex;
import dev.shoal.engine.index.text.TextAnalyzer;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.SparseVector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live documents of the WAL tail in id order, numbered 0..n-1, with indexes built lazily on
 * first use (the text of a field is analyzed once per snapshot, not once per query).
 *
 * <p>Thread-safe.
 */
public final class TailView {
  private final List<Document> docs;
  private final Map<String, MemoryTextIndex> text = new ConcurrentHashMap<>();
  private volatile List<SparseVector> sparse;
  private volatile List<String> textFields;

  TailView(List<Document> docs) {
    this.docs = Collections.unmodifiableList(docs);
  }

  /** Live tail documents, sorted by id. */
  public List<Document> docs() {
    return docs;
  }

  public int size() {
    return docs.size();
  }

  /** Text fields some tail document has. */
  public List<String> textFields() {
    List<String> fields = textFields;
    if (fields == null) {
      TreeSet<String> names = new TreeSet<>();
      for (Document d : docs) {
        names.addAll(d.text().keySet());
      }
      fields = textFields = List.copyOf(names);
    }
    return fields;
  }

  /** The in-memory BM25 index of one field over the tail (documents without it are empty). */
  public MemoryTextIndex text(String field, TextAnalyzer analyzer) {
    return text.computeIfAbsent(
        field,
        f -> {
          List<List<String>> tokens = new ArrayList<>(docs.size());
          for (Document d : docs) {
            String value = d.text().get(f);
            tokens.add(value == null ? List.of() : analyzer.analyze(value));
          }
          return MemoryTextIndex.of(tokens);
        });
  }

  /** Sparse vectors by tail ordinal (null where a document has none). */
  public List<SparseVector> sparse() {
    List<SparseVector> s = sparse;
    if (s == null) {
      List<SparseVector> out = new ArrayList<>(docs.size());
      for (Document d : docs) {
        out.add(d.sparse());
      }
      s = sparse = Collections.unmodifiableList(out);
    }
    return s;
  }
}
