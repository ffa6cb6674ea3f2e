/**
 * Per-segment indexes and the primitives they share.
 *
 * <p>Each index is built once when a segment is written and searched many times, from memory or
 * through a {@link dev.shoal.engine.index.RangeReader} over object storage. Searches take a {@link
 * dev.shoal.engine.index.Bits} of the documents that may be returned (live and passing the filter)
 * and return segment-local ordinals with scores where higher is better. Sub-packages: {@code
 * vector} (distance kernels, the clustered ANN index), {@code text} (analyzer, BM25 inverted
 * index), {@code sparse} (sparse-vector inverted index).
 */
package dev.shoal.engine.index;
