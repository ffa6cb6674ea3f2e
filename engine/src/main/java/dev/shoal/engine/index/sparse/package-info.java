/**
 * Sparse-vector search: a per-segment inverted index from dimension to (ordinal, value) postings,
 * searched by dot product with a query vector.
 *
 * <p>Start with {@link dev.shoal.engine.index.sparse.SparseIndexReader#search}; the segment writer
 * uses {@link dev.shoal.engine.index.sparse.SparseIndexWriter}; the WAL tail is scored with {@link
 * dev.shoal.engine.index.sparse.SparseIndexReader#searchExhaustive}, which gives the same scores
 * bit for bit (both equal {@link dev.shoal.engine.model.SparseVector#dot}).
 */
package dev.shoal.engine.index.sparse;
