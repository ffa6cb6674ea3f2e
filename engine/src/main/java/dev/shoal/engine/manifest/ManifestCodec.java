package dev.shoal.engine.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.shoal.engine.storage.CorruptObjectException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON encoding of manifests. Unknown fields are ignored (a newer writer may add optional ones); a
 * newer {@code format_version} is refused, because its meaning may differ.
 */
public final class ManifestCodec {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  private ManifestCodec() {}

  public static byte[] encode(Manifest manifest) {
    try {
      return MAPPER.writeValueAsBytes(manifest);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("Cannot encode manifest of " + manifest.namespace(), e);
    }
  }

  public static byte[] encodeGarbageList(GarbageList list) {
    try {
      return MAPPER.writeValueAsBytes(list);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("Cannot encode a garbage list", e);
    }
  }

  /**
   * Decodes a stored {@link GarbageList}.
   *
   * @throws CorruptObjectException naming the key if the JSON is malformed or truncated
   */
  public static GarbageList decodeGarbageList(String key, byte[] data) {
    GarbageList list;
    try {
      list = MAPPER.readValue(data, GarbageList.class);
    } catch (IOException | RuntimeException e) {
      throw new CorruptObjectException(key, "not a valid garbage list: " + e.getMessage(), e);
    }
    if (list == null) {
      throw new CorruptObjectException(key, "empty garbage list");
    }
    return list;
  }

  /**
   * Decodes a stored manifest.
   *
   * @throws CorruptObjectException naming the key if the JSON is malformed, truncated, or of a
   *     newer format
   */
  public static Manifest decode(String key, byte[] data) {
    Manifest m;
    try {
      m = MAPPER.readValue(data, Manifest.class);
    } catch (IOException | RuntimeException e) {
      throw new CorruptObjectException(key, "not a valid manifest: " + e.getMessage(), e);
    }
    if (m == null) {
      throw new CorruptObjectException(key, "empty manifest");
    }
    if (m.formatVersion() > Manifest.FORMAT_VERSION) {
      throw new CorruptObjectException(
          key,
          "manifest format "
              + m.formatVersion()
              + " was written by a newer Shoal; this build reads up to "
              + Manifest.FORMAT_VERSION);
    }
    return m;
  }
}
