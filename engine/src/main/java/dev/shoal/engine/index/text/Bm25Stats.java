package dev.shoal.engine.index.text;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * The statistics BM25 needs for one field and a list of query terms, from one segment, from the WAL
 * tail, or summed over a namespace with {@link #plus}.
 *
 * <p>The executor collects one per segment ({@link TermLookup#stats()}) and one for the WAL tail
 * ({@link MemoryTextIndex#stats}), adds them up, and builds the query with {@link Bm25Query#of}.
 * Documents deleted or overwritten since a segment was written still count until compaction
 * rewrites it (as in Lucene): statistics describe indexed documents, not live ones.
 *
 * @param docCount documents with at least one term in the field
 * @param totalLength terms in the field over all documents
 * @param docFreqs for each query term (in the order the terms were looked up), the documents
 *     containing it
 */
public record Bm25Stats(long docCount, long totalLength, long[] docFreqs) {
  public Bm25Stats {
    requireNonNull(docFreqs, "docFreqs is null");
    if (docCount < 0 || totalLength < 0) {
      throw new IllegalArgumentException(
          "Cannot build BM25 statistics: negative docCount "
              + docCount
              + " or length "
              + totalLength);
    }
  }

  /** No documents; {@code terms} zero document frequencies. */
  public static Bm25Stats empty(int terms) {
    return new Bm25Stats(0, 0, new long[terms]);
  }

  /** Statistics over the union of two disjoint sets of documents. */
  public Bm25Stats plus(Bm25Stats o) {
    if (o.docFreqs.length != docFreqs.length) {
      throw new IllegalArgumentException(
          "Cannot add BM25 statistics for "
              + docFreqs.length
              + " and "
              + o.docFreqs.length
              + " terms: they were looked up for different queries");
    }
    long[] df = new long[docFreqs.length];
    for (int i = 0; i < df.length; i++) {
      df[i] = docFreqs[i] + o.docFreqs[i];
    }
    return new Bm25Stats(docCount + o.docCount, totalLength + o.totalLength, df);
  }

  /** Average field length, or 1 when no document has the field. */
  public double avgLength() {
    return docCount == 0 ? 1.0 : (double) totalLength / docCount;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bm25Stats s
        && s.docCount == docCount
        && s.totalLength == totalLength
        && Arrays.equals(s.docFreqs, docFreqs);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(docCount) * 31 + Arrays.hashCode(docFreqs);
  }

  @Override
  public String toString() {
    return "Bm25Stats[docCount="
        + docCount
        + ", totalLength="
        + totalLength
        + ", docFreqs="
        + Arrays.toString(docFreqs)
        + "]";
  }
}
