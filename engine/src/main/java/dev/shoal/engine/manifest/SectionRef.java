package dev.shoal.engine.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where one section of a segment lies in the object, and its CRC32C. */
public record SectionRef(
    @JsonProperty("offset") long offset,
    @JsonProperty("length") long length,
    @JsonProperty("crc32c") long crc32c) {
  public SectionRef {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "Invalid section: offset " + offset + ", length " + length);
    }
  }
}
