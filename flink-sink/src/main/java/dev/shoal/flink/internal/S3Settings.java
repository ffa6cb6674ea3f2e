package dev.shoal.flink.internal;

import java.io.Serializable;

/**
 * S3 client options for an {@code s3://} store: an endpoint override (S3-compatible servers), the
 * region, path-style addressing and static credentials. Null means the SDK default (the default
 * credentials chain for keys). {@link #toString()} never prints the secret.
 */
public record S3Settings(
    String endpoint,
    String region,
    Boolean pathStyleAccess,
    String accessKeyId,
    String secretAccessKey)
    implements Serializable {

  public static final S3Settings NONE = new S3Settings(null, null, null, null, null);

  public boolean isEmpty() {
    return equals(NONE);
  }

  public S3Settings withEndpoint(String value) {
    return new S3Settings(value, region, pathStyleAccess, accessKeyId, secretAccessKey);
  }

  public S3Settings withRegion(String value) {
    return new S3Settings(endpoint, value, pathStyleAccess, accessKeyId, secretAccessKey);
  }

  public S3Settings withPathStyleAccess(Boolean value) {
    return new S3Settings(endpoint, region, value, accessKeyId, secretAccessKey);
  }

  public S3Settings withCredentials(String keyId, String secret) {
    return new S3Settings(endpoint, region, pathStyleAccess, keyId, secret);
  }

  @Override
  public String toString() {
    return "S3Settings{endpoint="
        + endpoint
        + ", region="
        + region
        + ", pathStyleAccess="
        + pathStyleAccess
        + ", accessKeyId="
        + accessKeyId
        + ", secretAccessKey="
        + (secretAccessKey == null ? "null" : "****")
        + "}";
  }
}
