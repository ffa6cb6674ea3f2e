/**
 * Machinery shared by the inverted indexes in {@code index.text} and {@code index.sparse}: the byte
 * encoding (variable-length integers, bit-packed blocks of 128 postings, CRC32C of every range a
 * search reads), the top-k collectors that order equal scores by ascending ordinal, and the search
 * result {@link dev.shoal.engine.index.postings.TopHits} with its {@link
 * dev.shoal.engine.index.postings.SearchStats}.
 *
 * <p>Start with {@link dev.shoal.engine.index.postings.TopHits}, what every search returns; the
 * rest is used by the index writers and readers and is of little interest to other callers.
 */
package dev.shoal.engine.index.postings;
