package dev.shoal.server.auth;

import static java.util.Objects.requireNonNull;

/**
 * One configured key. Only the SHA-256 of the secret is held, never the secret itself.
 *
 * @param name a label for logs (the key file's {@code name}, or {@code key-N} by position)
 * @param sha256 the SHA-256 digest of the secret (32 bytes)
 */
public record ApiKey(String name, byte[] sha256, Scope scope, Role role) {
  public ApiKey {
    requireNonNull(name, "name is null");
    requireNonNull(sha256, "sha256 is null");
    requireNonNull(scope, "scope is null");
    requireNonNull(role, "role is null");
    if (sha256.length != 32) {
      throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, not " + sha256.length);
    }
    sha256 = sha256.clone();
  }

  @Override
  public byte[] sha256() {
    return sha256.clone();
  }

  boolean matches(byte[] digest) {
    return java.security.MessageDigest.isEqual(sha256, digest);
  }

  @Override
  public String toString() {
    return "ApiKey[" + name + ", " + scope + ", " + role.jsonName() + "]";
  }
}
