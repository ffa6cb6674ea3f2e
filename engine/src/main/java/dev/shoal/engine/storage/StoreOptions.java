package dev.shoal.engine.storage;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * How to open an object store; see {@link ObjectStores#open(StoreOptions)}.
 *
 * @param uri where the objects live: {@code file:///absolute/path}, a plain relative or absolute
 *     path, {@code s3://bucket/optional/prefix} or {@code memory:}
 * @param s3Endpoint an S3-compatible endpoint such as {@code http://127.0.0.1:9000}, or null for
 *     AWS
 * @param s3Region the signing region, or null for the default region chain ({@code AWS_REGION},
 *     profile, instance metadata), falling back to {@code us-east-1} with a custom endpoint
 * @param s3PathStyle address buckets as {@code endpoint/bucket} rather than {@code
 *     bucket.endpoint}, as most S3-compatible servers need
 * @param s3AccessKeyId static credentials with {@code s3SecretAccessKey}, or null (both) for the
 *     default credentials chain
 * @param s3SecretAccessKey see {@code s3AccessKeyId}; {@link #toString()} masks it
 * @param s3ApiCallTimeout the most one S3 call may take, retries included
 * @param s3ConnectionMaxIdleTime how long a pooled HTTP connection may stay idle before it is
 *     closed; keep it below the server's own idle timeout, or requests on a connection the server
 *     already closed fail ("broken pipe")
 * @param verifyConditionalWrites whether opening an S3 store checks that the endpoint honours
 *     {@code If-None-Match: *} (see {@link S3ObjectStore#verifyConditionalWrites()})
 */
public record StoreOptions(
    String uri,
    URI s3Endpoint,
    String s3Region,
    boolean s3PathStyle,
    String s3AccessKeyId,
    String s3SecretAccessKey,
    Duration s3ApiCallTimeout,
    Duration s3ConnectionMaxIdleTime,
    boolean verifyConditionalWrites) {

  public static final Duration DEFAULT_S3_API_CALL_TIMEOUT = Duration.ofMinutes(2);
  public static final Duration DEFAULT_S3_CONNECTION_MAX_IDLE_TIME = Duration.ofSeconds(10);

  /**
   * @throws IllegalArgumentException if the URI cannot be parsed, only one of the S3 credentials is
   *     set, S3 options are set for a store that is not on S3, or a value is out of range
   */
  public StoreOptions {
    StoreLocation location = StoreLocation.parse(uri);
    requireNonNull(s3ApiCallTimeout, "s3ApiCallTimeout is null");
    if (s3ApiCallTimeout.isNegative() || s3ApiCallTimeout.isZero()) {
      throw invalid(uri, "s3ApiCallTimeout must be positive: " + s3ApiCallTimeout);
    }
    requireNonNull(s3ConnectionMaxIdleTime, "s3ConnectionMaxIdleTime is null");
    if (s3ConnectionMaxIdleTime.isNegative() || s3ConnectionMaxIdleTime.isZero()) {
      throw invalid(uri, "s3ConnectionMaxIdleTime must be positive: " + s3ConnectionMaxIdleTime);
    }
    if ((s3AccessKeyId == null) != (s3SecretAccessKey == null)) {
      throw invalid(
          uri,
          "set both s3AccessKeyId and s3SecretAccessKey, or neither for the default credentials"
              + " chain");
    }
    if (!(location instanceof StoreLocation.Bucket)) {
      String stray =
          s3Endpoint != null
              ? "s3Endpoint"
              : s3Region != null ? "s3Region" : s3AccessKeyId != null ? "s3AccessKeyId" : null;
      if (stray != null) {
        throw invalid(uri, stray + " is set but the store is not on S3 (its URI is not s3://)");
      }
    }
  }

  /** Options for {@code uri} with every other setting at its default. */
  public static StoreOptions of(String uri) {
    return builder(uri).build();
  }

  public static Builder builder(String uri) {
    return new Builder(uri);
  }

  public Builder toBuilder() {
    return new Builder(uri)
        .s3Endpoint(s3Endpoint)
        .s3Region(s3Region)
        .s3PathStyle(s3PathStyle)
        .s3AccessKeyId(s3AccessKeyId)
        .s3SecretAccessKey(s3SecretAccessKey)
        .s3ApiCallTimeout(s3ApiCallTimeout)
        .s3ConnectionMaxIdleTime(s3ConnectionMaxIdleTime)
        .verifyConditionalWrites(verifyConditionalWrites);
  }

  StoreLocation location() {
    return StoreLocation.parse(uri);
  }

  @Override
  public String toString() {
    return "StoreOptions[uri="
        + uri
        + ", s3Endpoint="
        + s3Endpoint
        + ", s3Region="
        + s3Region
        + ", s3PathStyle="
        + s3PathStyle
        + ", s3AccessKeyId="
        + s3AccessKeyId
        + ", s3SecretAccessKey="
        + (s3SecretAccessKey == null ? null : "****")
        + ", s3ApiCallTimeout="
        + s3ApiCallTimeout
        + ", s3ConnectionMaxIdleTime="
        + s3ConnectionMaxIdleTime
        + ", verifyConditionalWrites="
        + verifyConditionalWrites
        + "]";
  }

  private static IllegalArgumentException invalid(String uri, String reason) {
    return new IllegalArgumentException("Cannot open store " + uri + ": " + reason);
  }

  /** Collects options; each setter checks its value and {@link #build()} checks them together. */
  public static final class Builder {
    private final String uri;
    private URI s3Endpoint;
    private String s3Region;
    private boolean s3PathStyle;
    private String s3AccessKeyId;
    private String s3SecretAccessKey;
    private Duration s3ApiCallTimeout = DEFAULT_S3_API_CALL_TIMEOUT;
    private Duration s3ConnectionMaxIdleTime = DEFAULT_S3_CONNECTION_MAX_IDLE_TIME;
    private boolean verifyConditionalWrites = true;

    private Builder(String uri) {
      this.uri = requireNonNull(uri, "uri is null");
    }

    /** An {@code http} or {@code https} URL, or null for AWS itself. */
    public Builder s3Endpoint(String endpoint) {
      if (endpoint == null) {
        this.s3Endpoint = null;
        return this;
      }
      URI parsed;
      try {
        parsed = new URI(endpoint.trim());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            "Invalid s3Endpoint '" + endpoint + "': " + e.getMessage(), e);
      }
      return s3Endpoint(parsed);
    }

    /** An {@code http} or {@code https} URL, or null for AWS itself. */
    public Builder s3Endpoint(URI endpoint) {
      if (endpoint != null) {
        String scheme =
            endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
          throw new IllegalArgumentException(
              "Invalid s3Endpoint '"
                  + endpoint
                  + "': expected an http or https URL such as http://127.0.0.1:9000");
        }
        if (endpoint.getUserInfo() != null) {
          throw new IllegalArgumentException(
              "Invalid s3Endpoint: credentials do not belong in the URL; set s3AccessKeyId and"
                  + " s3SecretAccessKey");
        }
      }
      this.s3Endpoint = endpoint;
      return this;
    }

    /** A region name such as {@code eu-west-1}, or null for the default region chain. */
    public Builder s3Region(String region) {
      if (region != null && region.isBlank()) {
        throw new IllegalArgumentException("Invalid s3Region: blank");
      }
      this.s3Region = region == null ? null : region.trim();
      return this;
    }

    public Builder s3PathStyle(boolean pathStyle) {
      this.s3PathStyle = pathStyle;
      return this;
    }

    /** With {@link #s3SecretAccessKey}: static credentials; null for the default chain. */
    public Builder s3AccessKeyId(String accessKeyId) {
      if (accessKeyId != null && accessKeyId.isBlank()) {
        throw new IllegalArgumentException("Invalid s3AccessKeyId: blank");
      }
      this.s3AccessKeyId = accessKeyId;
      return this;
    }

    /** With {@link #s3AccessKeyId}: static credentials; null for the default chain. */
    public Builder s3SecretAccessKey(String secretAccessKey) {
      if (secretAccessKey != null && secretAccessKey.isEmpty()) {
        throw new IllegalArgumentException("Invalid s3SecretAccessKey: empty");
      }
      this.s3SecretAccessKey = secretAccessKey;
      return this;
    }

    public Builder s3ApiCallTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout is null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("Invalid s3ApiCallTimeout: not positive: " + timeout);
      }
      this.s3ApiCallTimeout = timeout;
      return this;
    }

    public Builder s3ConnectionMaxIdleTime(Duration idle) {
      requireNonNull(idle, "idle is null");
      if (idle.isNegative() || idle.isZero()) {
        throw new IllegalArgumentException(
            "Invalid s3ConnectionMaxIdleTime: not positive: " + idle);
      }
      this.s3ConnectionMaxIdleTime = idle;
      return this;
    }

    public Builder verifyConditionalWrites(boolean verify) {
      this.verifyConditionalWrites = verify;
      return this;
    }

    /**
     * @throws IllegalArgumentException if the options do not fit together (see {@link
     *     StoreOptions#StoreOptions})
     */
    public StoreOptions build() {
      return new StoreOptions(
          uri,
          s3Endpoint,
          s3Region,
          s3PathStyle,
          s3AccessKeyId,
          s3SecretAccessKey,
          s3ApiCallTimeout,
          s3ConnectionMaxIdleTime,
          verifyConditionalWrites);
    }
  }
}
