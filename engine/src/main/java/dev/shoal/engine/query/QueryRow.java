package dev.shoal.engine.query;

import dev.shoal.engine.model.SparseVector;
import java.util.Map;

/**
 * One result row.
 *
 * @param score the similarity, BM25 or RRF score (higher is better), or null when ordering by an
 *     attribute or id
 * @param attrs the selected attributes
 * @param text the text fields, or null unless {@code include_text}
 * @param vector the dense vector, or null unless {@code include_vector}
 * @param sparse the sparse vector, or null unless {@code include_vector}
 */
public record QueryRow(
    String id,
    Double score,
    Map<String, Object> attrs,
    Map<String, String> text,
    float[] vector,
    SparseVector sparse) {}
