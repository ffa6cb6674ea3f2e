package dev.shoal.engine.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * An object store in an S3 bucket under a key prefix, through AWS SDK v2: AWS S3 itself or any
 * S3-compatible server that implements conditional writes ({@code If-None-Match: *}).
 *
 * <h2>Atomicity</h2>
 *
 * S3 makes every PUT visible whole and is strongly consistent, so {@link #put} is one PUT. {@link
 * #putIfAbsent} is a PUT with {@code If-None-Match: *}: S3 answers 412 to all but one of racing
 * creators. The SDK must not retry that call by itself, since a retry after a lost response would
 * meet its own object and report a loss; this class retries it and resolves that case by reading
 * the object back. {@link #verifyConditionalWrites()} checks at start-up that the endpoint honours
 * the condition, as some S3-compatible servers ignore it.
 *
 * <h2>Errors</h2>
 *
 * A missing key is {@link ObjectNotFoundException}. Throttling (429, 503 SlowDown), other 5xx,
 * timeouts and I/O errors are transient {@link StorageException}s, after the SDK's own retries;
 * 403, 400, a missing bucket and other 4xx are permanent. Messages name the key and the store,
 * never credentials. The credentials need {@code s3:ListBucket} besides get, put and delete:
 * without it S3 reports a missing key as 403.
 *
 * <p>Thread-safe; one instance holds an HTTP connection pool, released by {@link #close()}.
 */
public final class S3ObjectStore implements ObjectStore {
  private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);

  /** Keys of start-up probes; no namespace key starts with '_'. */
  static final String PROBE_PREFIX = "_probe/";

  private static final int MAX_CONDITIONAL_ATTEMPTS = 6;
  private static final long MAX_BACKOFF_MILLIS = 500;

  private final String bucket;
  private final String keyPrefix;
  private final String description;
  private final URI endpoint;
  private final SdkHttpClient httpClient;
  private final AwsCredentialsProvider credentials;

  /** For idempotent calls: the SDK retries them. */
  private final S3Client client;

  /** For conditional creates: never retried by the SDK, see {@link #putIfAbsent}. */
  private final S3Client conditionalClient;

  /**
   * Connects to {@code bucket}; objects live under {@code keyPrefix}. Use {@link
   * ObjectStores#open(StoreOptions)}, which also runs {@link #verifyConditionalWrites()}.
   *
   * @param keyPrefix empty, or ends with {@code /}
   */
  S3ObjectStore(String bucket, String keyPrefix, StoreOptions options) {
    this.bucket = requireNonNull(bucket, "bucket is null");
    this.keyPrefix = requireNonNull(keyPrefix, "keyPrefix is null");
    this.description =
        "s3://" + bucket + (keyPrefix.isEmpty() ? "" : "/" + keyPrefix.replaceAll("/$", ""));
    this.endpoint = options.s3Endpoint();
    Region region = resolveRegion(options, new DefaultAwsRegionProviderChain());
    this.credentials =
        options.s3AccessKeyId() != null
            ? StaticCredentialsProvider.create(
                AwsBasicCredentials.create(options.s3AccessKeyId(), options.s3SecretAccessKey()))
            : DefaultCredentialsProvider.builder().build();
    this.httpClient =
        ApacheHttpClient.builder()
            .connectionMaxIdleTime(options.s3ConnectionMaxIdleTime())
            .useIdleConnectionReaper(true)
            .build();
    S3Client retrying = null;
    try {
      retrying = buildClient(options, region, null);
      this.conditionalClient = buildClient(options, region, AwsRetryStrategy.doNotRetry());
    } catch (RuntimeException e) {
      if (retrying != null) {
        retrying.close();
      }
      httpClient.close();
      throw e;
    }
    this.client = retrying;
  }

  /** With {@code retries} null, the SDK's default (S3-aware) retry strategy. */
  private S3Client buildClient(StoreOptions options, Region region, RetryStrategy retries) {
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClient(httpClient)
            .credentialsProvider(credentials)
            .region(region)
            .forcePathStyle(options.s3PathStyle())
            .overrideConfiguration(
                o -> {
                  o.apiCallTimeout(options.s3ApiCallTimeout());
                  if (retries != null) {
                    o.retryStrategy(retries);
                  }
                });
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder.build();
  }

  /** The configured region, else the default chain's, else us-east-1 for a custom endpoint. */
  static Region resolveRegion(StoreOptions options, AwsRegionProvider defaultChain) {
    if (options.s3Region() != null) {
      return Region.of(options.s3Region());
    }
    try {
      Region region = defaultChain.getRegion();
      if (region != null) {
        return region;
      }
    } catch (SdkClientException e) {
      if (options.s3Endpoint() == null) {
        throw new IllegalArgumentException(
            "Cannot open store "
                + options.uri()
                + ": no AWS region configured; set the S3 region option or AWS_REGION",
            e);
      }
    }
    return Region.US_EAST_1;
  }

  @Override
  public byte[] get(String key) {
    String objectKey = objectKey(key);
    try {
      return client.getObjectAsBytes(b -> b.bucket(bucket).key(objectKey)).asByteArrayUnsafe();
    } catch (SdkException e) {
      throw failure("get object " + key + " from " + description, key, e);
    }
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    String objectKey = objectKey(key);
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "Cannot read range of " + key + ": offset " + offset + " and length " + length);
    }
    if (length == 0) {
      if (stat(key).isEmpty()) {
        throw new ObjectNotFoundException(key);
      }
      return new byte[0];
    }
    long last = offset > Long.MAX_VALUE - length ? Long.MAX_VALUE : offset + length - 1;
    try {
      ResponseBytes<GetObjectResponse> response =
          client.getObjectAsBytes(
              b -> b.bucket(bucket).key(objectKey).range("bytes=" + offset + "-" + last));
      byte[] bytes = response.asByteArrayUnsafe();
      if (response.response().contentRange() != null) {
        return bytes;
      }
      // The server ignored the range and sent the whole object.
      int from = (int) Math.min(offset, bytes.length);
      return Arrays.copyOfRange(bytes, from, (int) Math.min(bytes.length, (long) from + length));
    } catch (S3Exception e) {
      if (e.statusCode() == 416) {
        return new byte[0]; // the object ends before offset
      }
      throw failure(rangeAction(key, offset, length), key, e);
    } catch (SdkException e) {
      throw failure(rangeAction(key, offset, length), key, e);
    }
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    String objectKey = objectKey(key);
    try {
      HeadObjectResponse head = client.headObject(b -> b.bucket(bucket).key(objectKey));
      return Optional.of(
          new ObjectInfo(key, head.contentLength(), head.lastModified().toEpochMilli()));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failure("stat object " + key + " in " + description, null, e);
    } catch (SdkException e) {
      throw failure("stat object " + key + " in " + description, null, e);
    }
  }

  @Override
  public void put(String key, byte[] data) {
    String objectKey = objectKey(key);
    try {
      client.putObject(b -> b.bucket(bucket).key(objectKey), RequestBody.fromBytes(data));
    } catch (SdkException e) {
      throw failure("put object " + key + " to " + description, null, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Retries 409 ConditionalRequestConflict (S3's answer to overlapping creates), throttling and
   * transient faults, with backoff. If an attempt may have created the object before failing, a
   * later 412 is resolved by reading the object: holding exactly {@code data}, it counts as created
   * by this call.
   */
  @Override
  public boolean putIfAbsent(String key, byte[] data) {
    String objectKey = objectKey(key);
    String action = "create object " + key + " in " + description;
    boolean mayHaveCreated = false;
    SdkException last = null;
    for (int attempt = 1; attempt <= MAX_CONDITIONAL_ATTEMPTS; attempt++) {
      try {
        conditionalClient.putObject(
            b -> b.bucket(bucket).key(objectKey).ifNoneMatch("*"), RequestBody.fromBytes(data));
        return true;
      } catch (S3Exception e) {
        if (e.statusCode() == 412) {
          return mayHaveCreated && holds(key, data);
        }
        if (!isTransient(e)) {
          throw failure(action, null, e);
        }
        // A conflict or throttling rejects the request unapplied; a 5xx may come after the write.
        mayHaveCreated |= e.statusCode() != 409 && !e.isThrottlingException();
        last = e;
      } catch (SdkException e) {
        if (!isTransient(e)) {
          throw failure(action, null, e);
        }
        mayHaveCreated = true;
        last = e;
      }
      if (attempt < MAX_CONDITIONAL_ATTEMPTS) {
        backOff(action, attempt);
      }
    }
    throw new StorageException(
        "Cannot "
            + action
            + ": gave up after "
            + MAX_CONDITIONAL_ATTEMPTS
            + " attempts"
            + (mayHaveCreated ? " (the object may or may not have been created)" : "")
            + ": "
            + last.getMessage(),
        true,
        last);
  }

  @Override
  public void delete(String key) {
    String objectKey = objectKey(key);
    try {
      client.deleteObject(b -> b.bucket(bucket).key(objectKey));
    } catch (SdkException e) {
      if (!isMissingKey(e)) {
        throw failure("delete object " + key + " from " + description, null, e);
      }
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    ObjectKeys.validatePrefix(prefix);
    List<ObjectInfo> objects = new ArrayList<>();
    try {
      for (S3Object object :
          client
              .listObjectsV2Paginator(b -> b.bucket(bucket).prefix(keyPrefix + prefix))
              .contents()) {
        String key = object.key().substring(keyPrefix.length());
        // Objects that are no valid key (folder markers, foreign files) cannot be read here.
        if (ObjectKeys.isValid(key)) {
          objects.add(new ObjectInfo(key, object.size(), object.lastModified().toEpochMilli()));
        }
      }
    } catch (SdkException e) {
      throw failure("list objects under prefix '" + prefix + "' in " + description, null, e);
    }
    return objects;
  }

  /**
   * Checks that the endpoint refuses to create an object twice with {@code If-None-Match: *}:
   * creates a probe object under {@code _probe/}, tries to create it again, and deletes it.
   *
   * @throws StorageException permanent if the endpoint ignores or rejects the condition, so that
   *     Shoal would silently lose commits; as usual if the store cannot be reached or written
   */
  public void verifyConditionalWrites() {
    String probe = PROBE_PREFIX + "conditional-write-" + UUID.randomUUID();
    byte[] data = "Shoal start-up check of If-None-Match: *".getBytes(UTF_8);
    if (!createProbe(probe, data)) {
      throw new StorageException(
          "Cannot verify conditional writes on "
              + description
              + ": new probe key "
              + probe
              + " already exists",
          false,
          null);
    }
    boolean createdTwice;
    try {
      createdTwice = createProbe(probe, data);
    } finally {
      try {
        delete(probe);
      } catch (StorageException e) {
        LOG.warn("Cannot delete probe object {} in {}", probe, description, e);
      }
    }
    if (createdTwice) {
      throw unsupportedConditionalWrites(null);
    }
  }

  private boolean createProbe(String probe, byte[] data) {
    try {
      return putIfAbsent(probe, data);
    } catch (StorageException e) {
      if (e.getCause() instanceof S3Exception s3
          && (s3.statusCode() == 501 || "NotImplemented".equals(errorCode(s3)))) {
        throw unsupportedConditionalWrites(e);
      }
      throw e;
    }
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    conditionalClient.close();
    client.close();
    httpClient.close();
    if (credentials instanceof SdkAutoCloseable closeable) {
      closeable.close();
    }
  }

  private StorageException unsupportedConditionalWrites(Throwable cause) {
    return new StorageException(
        "Cannot use store "
            + description
            + ": the endpoint"
            + (endpoint != null ? " " + endpoint : "")
            + " does not support 'If-None-Match: *' conditional writes (it "
            + (cause == null ? "created the probe object twice" : "rejected the header")
            + "), and Shoal cannot run on it safely: concurrent commits would overwrite each"
            + " other. Use AWS S3 or an S3-compatible server that implements conditional writes",
        false,
        cause);
  }

  private String objectKey(String key) {
    return keyPrefix + ObjectKeys.validate(key);
  }

  private String rangeAction(String key, long offset, int length) {
    return "read " + length + " bytes at " + offset + " of object " + key + " from " + description;
  }

  /** Whether the object at {@code key} holds exactly {@code data}. */
  private boolean holds(String key, byte[] data) {
    try {
      return Arrays.equals(get(key), data);
    } catch (ObjectNotFoundException e) {
      return false;
    }
  }

  private static void backOff(String action, int attempt) {
    long ceiling = Math.min(MAX_BACKOFF_MILLIS, 25L << attempt);
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("Cannot " + action + ": interrupted", false, e);
    }
  }

  /**
   * Maps an SDK failure. With a non-null {@code key}, a 404 other than a missing bucket becomes
   * {@link ObjectNotFoundException}.
   */
  private StorageException failure(String action, String key, SdkException e) {
    if (key != null && isMissingKey(e)) {
      return new ObjectNotFoundException(key);
    }
    if (e instanceof AbortedException) {
      Thread.currentThread().interrupt();
    }
    return new StorageException("Cannot " + action + ": " + e.getMessage(), isTransient(e), e);
  }

  private static boolean isMissingKey(SdkException e) {
    return e instanceof S3Exception s3
        && s3.statusCode() == 404
        && !"NoSuchBucket".equals(errorCode(s3));
  }

  static boolean isTransient(SdkException e) {
    if (e instanceof S3Exception s3) {
      int status = s3.statusCode();
      return status >= 500
          || status == 429
          || status == 408
          || status == 409
          || s3.isThrottlingException();
    }
    if (e instanceof AbortedException) {
      return false;
    }
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return true;
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return e.retryable();
  }

  private static String errorCode(S3Exception e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }
}
