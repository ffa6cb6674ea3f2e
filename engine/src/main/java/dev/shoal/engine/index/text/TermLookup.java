package dev.shoal.engine.index.text;

import dev.shoal.engine.index.Bits;
import dev.shoal.engine.index.postings.TopHits;
import java.util.List;

/**
 * Query terms looked up in one segment's field index: their document frequencies and where their
 * postings are. Get one with {@link TextIndexReader#lookup}, contribute its {@link #stats()} to the
 * namespace-wide statistics, then {@link #search} with the resulting {@link Bm25Query} (or pass it
 * to {@link TextSearch#search} for several fields). Immutable and thread-safe.
 */
public final class TermLookup {
  /** A term's dictionary entry: df, and either an inlined posting or a postings range. */
  record Entry(int docFreq, int inlineDoc, int inlineFreq, long offset, int length) {
    boolean inlined() {
      return docFreq == 1;
    }
  }

  private final TextIndexReader reader;
  private final QueryTerms terms;
  private final Entry[] entries;

  TermLookup(TextIndexReader reader, QueryTerms terms, Entry[] entries) {
    this.reader = reader;
    this.terms = terms;
    this.entries = entries;
  }

  public TextIndexReader reader() {
    return reader;
  }

  public QueryTerms terms() {
    return terms;
  }

  /** Entry of term {@code i}, or null when the segment does not have it. */
  Entry entry(int i) {
    return entries[i];
  }

  /** This segment's statistics for the field and the looked-up terms. */
  public Bm25Stats stats() {
    long[] df = new long[entries.length];
    for (int i = 0; i < df.length; i++) {
      df[i] = entries[i] == null ? 0 : entries[i].docFreq();
    }
    return new Bm25Stats(reader.docCount(), reader.totalLength(), df);
  }

  /**
   * The top {@code k} documents of this segment among {@code allowed}, scored with {@code query}
   * (built from namespace-wide statistics for the same terms).
   */
  public TopHits search(Bm25Query query, int k, Bits allowed) {
    return TextSearch.search(List.of(new TextSearch.Field(this, query)), k, allowed);
  }
}
