/**
 * Full-text search: the analyzer and the per-segment, per-field BM25 inverted index.
 *
 * <p>Start with {@link dev.shoal.engine.index.text.TextAnalyzer} (text to terms, configured per
 * field by {@link dev.shoal.engine.index.text.TextAnalyzerOptions}, stored in the manifest), then
 * {@link dev.shoal.engine.index.text.Bm25} (the formula and its exactness rules).
 *
 * <p>Writing: the segment writer feeds each document's analyzed terms to a {@link
 * dev.shoal.engine.index.text.TextIndexWriter} per field and stores the bytes as a section of the
 * segment ({@link dev.shoal.engine.index.text.TextIndexFormat} has the layout).
 *
 * <p>Querying, with namespace-global statistics:
 *
 * <ol>
 *   <li>analyze the query text with the field's analyzer and group it with {@link
 *       dev.shoal.engine.index.text.QueryTerms#of};
 *   <li>per segment, {@link dev.shoal.engine.index.text.TextIndexReader#lookup} the terms (one
 *       dictionary read) and take its {@link dev.shoal.engine.index.text.TermLookup#stats()}; for
 *       the WAL tail, {@link dev.shoal.engine.index.text.MemoryTextIndex#stats}; add them up with
 *       {@link dev.shoal.engine.index.text.Bm25Stats#plus};
 *   <li>build one {@link dev.shoal.engine.index.text.Bm25Query} per field from the totals;
 *   <li>per segment, {@link dev.shoal.engine.index.text.TermLookup#search} (or {@link
 *       dev.shoal.engine.index.text.TextSearch#search} to sum several fields for {@code $text});
 *       for the tail, {@link dev.shoal.engine.index.text.MemoryTextIndex#search};
 *   <li>merge the per-segment {@link dev.shoal.engine.index.postings.TopHits} by score, ties by
 *       document id: scores are exact and identical across segments and paths.
 * </ol>
 */
package dev.shoal.engine.index.text;
