package dev.shoal.engine.storage;

import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.gaul.s3proxy.AccessGrant;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * A real S3 server (s3proxy 4.1.0 over its in-memory {@code transient-nio2} store) inside the test
 * JVM, on an ephemeral port of 127.0.0.1, with one empty bucket. It answers {@code If-None-Match:
 * *} with 412 atomically, so S3 stores opened on it pass the put-if-absent race tests.
 *
 * <pre>{@code
 * try (S3TestServer s3 = S3TestServer.start();
 *     ObjectStore store = ObjectStores.open(s3.storeOptions("my-test"))) {
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link #setLatency} delays every request by a fixed time, to make round trips visible in
 * benchmarks; {@link #requestCount()} counts them. Thread-safe.
 */
public final class S3TestServer implements AutoCloseable {
  public static final String BUCKET = "shoal-test";
  public static final String ACCESS_KEY_ID = "shoal-test-access-key";
  public static final String SECRET_ACCESS_KEY = "shoal-test-secret-key";
  public static final String REGION = "us-east-1";

  private final S3Proxy proxy;
  private final BlobStore blobStore;
  private final URI endpoint;
  private final AtomicLong requests = new AtomicLong();
  private volatile long latencyNanos;

  private S3TestServer(UnaryOperator<BlobStore> decorator) throws Exception {
    blobStore = decorator.apply(BlobStores.create("transient-nio2", new Properties()));
    blobStore.createContainer(BUCKET);
    proxy =
        S3Proxy.builder()
            .blobStore(blobStore)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY_ID, SECRET_ACCESS_KEY)
            .build();
    // Consulted once per request, which makes it the hook for latency and counting.
    proxy.setBlobStoreLocator(
        (identity, container, blob) -> {
          requests.incrementAndGet();
          delay();
          return ACCESS_KEY_ID.equals(identity)
              ? new AccessGrant(SECRET_ACCESS_KEY, blobStore)
              : null;
        });
    proxy.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        proxy.stop();
        throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
      }
      Thread.sleep(5);
    }
    endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** Starts a server with an empty bucket {@link #BUCKET} and no added latency. */
  public static S3TestServer start() {
    return start(UnaryOperator.identity());
  }

  /** Starts a server whose blob store is wrapped, to simulate a misbehaving S3 implementation. */
  static S3TestServer start(UnaryOperator<BlobStore> decorator) {
    try {
      return new S3TestServer(decorator);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot start s3proxy test server: " + e, e);
    }
  }

  /** Where the server listens, such as {@code http://127.0.0.1:43512}. */
  public URI endpoint() {
    return endpoint;
  }

  public String bucket() {
    return BUCKET;
  }

  public String accessKeyId() {
    return ACCESS_KEY_ID;
  }

  public String secretAccessKey() {
    return SECRET_ACCESS_KEY;
  }

  /**
   * Options for a store under {@code s3://shoal-test/<keyPrefix>} on this server (path style,
   * static credentials, conditional writes verified). Give each test its own prefix.
   *
   * @param keyPrefix empty for the whole bucket
   */
  public StoreOptions storeOptions(String keyPrefix) {
    return storeOptionsBuilder(keyPrefix).build();
  }

  /** Like {@link #storeOptions}, for tests that change an option. */
  public StoreOptions.Builder storeOptionsBuilder(String keyPrefix) {
    return StoreOptions.builder("s3://" + BUCKET + (keyPrefix.isEmpty() ? "" : "/" + keyPrefix))
        .s3Endpoint(endpoint)
        .s3Region(REGION)
        .s3PathStyle(true)
        .s3AccessKeyId(ACCESS_KEY_ID)
        .s3SecretAccessKey(SECRET_ACCESS_KEY)
        // s3proxy's Jetty closes connections idle for 1 s: close ours first.
        .s3ConnectionMaxIdleTime(Duration.ofMillis(500));
  }

  /** Delays each later request by {@code latency} before the server handles it. */
  public void setLatency(Duration latency) {
    if (latency.isNegative()) {
      throw new IllegalArgumentException("Invalid latency: negative: " + latency);
    }
    latencyNanos = latency.toNanos();
  }

  public Duration latency() {
    return Duration.ofNanos(latencyNanos);
  }

  /** Requests received since start, failed ones included. */
  public long requestCount() {
    return requests.get();
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot stop s3proxy test server at " + endpoint, e);
    } finally {
      blobStore.close();
    }
  }

  private void delay() {
    long nanos = latencyNanos;
    if (nanos > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(nanos);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
