/**
 * Dense-vector search for one segment: distance kernels and the clustered (IVF) ANN index.
 *
 * <p>Start with {@link dev.shoal.engine.index.vector.IvfIndex}, the searcher the query executor
 * calls per segment, and {@link dev.shoal.engine.index.vector.IvfIndexWriter}, which the segment
 * writer uses to turn a segment's vectors into index bytes. {@link
 * dev.shoal.engine.index.vector.IvfFormat} documents the byte layout.
 *
 * <ul>
 *   <li>{@link dev.shoal.engine.index.vector.VectorKernels}: dot, squared L2, cosine on flat float
 *       arrays, int8 dot, and the popcount kernel of the 1-bit codes; Vector API or scalar, picked
 *       once at start-up.
 *   <li>{@link dev.shoal.engine.index.vector.IvfIndexWriter}: k-means on a sample, one contiguous
 *       block per cluster (codes, full-precision vectors, ordinals), a flat index for small
 *       segments.
 *   <li>{@link dev.shoal.engine.index.vector.IvfIndex}: approximate search (probe, scan codes,
 *       re-score exactly), exact search, filter awareness; over a {@link
 *       dev.shoal.engine.index.RangeReader} (at most two rounds of reads when cold) or loaded into
 *       memory.
 *   <li>{@link dev.shoal.engine.index.vector.SearchParams}, {@link
 *       dev.shoal.engine.index.vector.VectorSearchResult}, {@link
 *       dev.shoal.engine.index.vector.SearchStats}: the per-query knobs and answers.
 * </ul>
 */
package dev.shoal.engine.index.vector;
