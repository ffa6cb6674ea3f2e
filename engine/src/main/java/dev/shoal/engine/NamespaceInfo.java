package dev.shoal.engine;

import dev.shoal.engine.model.DistanceMetric;
import java.util.Map;

/**
 * A namespace's description, as the REST API returns it (field names become snake_case).
 *
 * @param docCount live documents in the manifest version described
 * @param segments indexed segments
 * @param walFiles WAL batches not yet compacted
 * @param walRecords records in those batches
 * @param bytes bytes of the objects the version references
 * @param vectorDim the pinned dimension, or null before the first vector
 * @param parent the namespace it was branched from, or null
 * @param textAnalyzer how text fields are analyzed: {@code stop_words} and {@code stemming}
 */
public record NamespaceInfo(
    String org,
    String project,
    String namespace,
    long version,
    long docCount,
    int segments,
    int walFiles,
    long walRecords,
    long bytes,
    DistanceMetric distanceMetric,
    Integer vectorDim,
    String parent,
    Map<String, String> labels,
    long createdAtMs,
    long updatedAtMs,
    boolean pinned,
    Map<String, Object> textAnalyzer) {}
