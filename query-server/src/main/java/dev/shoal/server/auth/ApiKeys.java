package dev.shoal.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The configured API keys, loaded from a JSON file (API.md):
 *
 * <pre>{@code
 * {"keys": [
 *   {"key": "…", "scope": "acme/*", "role": "write", "name": "ingest"},
 *   {"key_sha256": "<64 hex digits>", "scope": "*", "role": "admin"}]}
 * }</pre>
 *
 * <p>Presented keys are hashed and compared with every configured digest in constant time, so
 * neither the comparison nor the position of a match leaks through timing. Secrets are never kept,
 * logged or put in messages. Immutable and thread-safe.
 */
public final class ApiKeys {
  /** Shortest secret accepted in clear in a key file. */
  public static final int MIN_KEY_LENGTH = 16;

  private static final Set<String> FIELDS = Set.of("key", "key_sha256", "scope", "role", "name");

  private final List<ApiKey> keys;

  private ApiKeys(List<ApiKey> keys) {
    this.keys = List.copyOf(keys);
  }

  /**
   * Reads a key file.
   *
   * @throws IllegalArgumentException naming the file and the entry at fault (never a secret)
   */
  public static ApiKeys load(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read API key file " + file + ": " + e, e);
    }
    try {
      return parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Cannot load API key file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses the key file format; messages name the entry at fault, never the secret. */
  public static ApiKeys parse(String json) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      // Jackson's message may quote the input, which holds secrets: keep only the location.
      throw new IllegalArgumentException("malformed JSON" + location(e));
    }
    if (root == null || !root.isObject() || !root.path("keys").isArray() || root.size() != 1) {
      throw new IllegalArgumentException("expected {\"keys\": [...]}");
    }
    List<ApiKey> keys = new ArrayList<>();
    Set<String> digests = new HashSet<>();
    Set<String> names = new HashSet<>();
    int i = 0;
    for (JsonNode entry : root.get("keys")) {
      String where = "keys[" + i + "]";
      if (!entry.isObject()) {
        throw new IllegalArgumentException(where + " is not an object");
      }
      for (Iterator<String> it = entry.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!FIELDS.contains(f)) {
          throw new IllegalArgumentException(
              where
                  + " has unknown field \""
                  + f
                  + "\"; expected key or key_sha256, scope, role, name");
        }
      }
      byte[] digest = digest(entry, where);
      String name = entry.has("name") ? text(entry, "name", where) : "key-" + i;
      Scope scope;
      Role role;
      try {
        scope = Scope.parse(text(entry, "scope", where));
        role = Role.parse(text(entry, "role", where));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
      if (!digests.add(HexFormat.of().formatHex(digest))) {
        throw new IllegalArgumentException(where + " repeats a key given before");
      }
      if (!names.add(name)) {
        throw new IllegalArgumentException(where + " repeats the name \"" + name + "\"");
      }
      keys.add(new ApiKey(name, digest, scope, role));
      i++;
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no keys: a key file must hold at least one key");
    }
    return new ApiKeys(keys);
  }

  private static byte[] digest(JsonNode entry, String where) {
    boolean clear = entry.has("key");
    if (clear == entry.has("key_sha256")) {
      throw new IllegalArgumentException(
          where + " needs exactly one of \"key\" and \"key_sha256\"");
    }
    if (clear) {
      String key = text(entry, "key", where);
      if (key.length() < MIN_KEY_LENGTH || !isVisibleAscii(key)) {
        throw new IllegalArgumentException(
            where
                + ": a key must be at least "
                + MIN_KEY_LENGTH
                + " printable ASCII characters without spaces");
      }
      return sha256(key);
    }
    String hex = text(entry, "key_sha256", where);
    if (!hex.matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException(
          where + ": key_sha256 must be 64 hex digits (the SHA-256 of the key)");
    }
    return HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT));
  }

  private static String text(JsonNode entry, String field, String where) {
    JsonNode v = entry.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(where + " needs \"" + field + "\" as a string");
    }
    return v.asText();
  }

  private static boolean isVisibleAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static String location(IOException e) {
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
        && j.getLocation() != null) {
      return " at line "
          + j.getLocation().getLineNr()
          + ", column "
          + j.getLocation().getColumnNr();
    }
    return "";
  }

  /** The SHA-256 of a key's UTF-8 bytes. */
  public static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Finds the key a client presented. Every configured key is compared, whatever matches first. */
  public Optional<ApiKey> authenticate(String presented) {
    byte[] digest = sha256(presented);
    ApiKey found = null;
    for (ApiKey k : keys) {
      if (k.matches(digest) && found == null) {
        found = k;
      }
    }
    return Optional.ofNullable(found);
  }

  public List<ApiKey> keys() {
    return keys;
  }
}
