package dev.shoal.engine.manifest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * An immutable segment as a manifest references it.
 *
 * @param key the segment object
 * @param level its merge tier: 0 for segments written from WAL batches, higher for merges
 * @param minSeq lowest sequence number of a record folded into it
 * @param maxSeq highest sequence number folded into it; newer segments and the WAL tail shadow it
 * @param docs live documents it holds
 * @param tombstones deletes it carries to hide documents in older segments
 * @param bytes object size
 * @param sections byte ranges of its parts by name, so that a reader can fetch only what a query
 *     needs without first reading a header
 * @param createdAtMillis when compaction wrote it
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record SegmentRef(
    @JsonProperty("key") String key,
    @JsonProperty("level") int level,
    @JsonProperty("min_seq") long minSeq,
    @JsonProperty("max_seq") long maxSeq,
    @JsonProperty("docs") long docs,
    @JsonProperty("tombstones") long tombstones,
    @JsonProperty("bytes") long bytes,
    @JsonProperty("sections") Map<String, SectionRef> sections,
    @JsonProperty("created_at_ms") long createdAtMillis) {

  public SegmentRef {
    requireNonNull(key, "key is null");
    sections = sections == null ? Map.of() : Map.copyOf(sections);
  }
}
