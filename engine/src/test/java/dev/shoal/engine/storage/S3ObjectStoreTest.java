package dev.shoal.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ObjectStoreTest extends ObjectStoreContractTest {
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  private static S3TestServer server;

  private String prefix;

  @BeforeAll
  static void startServer() {
    server = S3TestServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected ObjectStore newStore() {
    prefix = "test-" + PREFIXES.incrementAndGet();
    return ObjectStores.open(server.storeOptions(prefix));
  }

  @Override
  protected int raceRounds() {
    return 20;
  }

  @Test
  void describeIsTheBucketAndPrefix() {
    assertThat(store.describe()).isEqualTo("s3://shoal-test/" + prefix);
    try (ObjectStore wholeBucket = ObjectStores.open(server.storeOptions(""))) {
      assertThat(wholeBucket.describe()).isEqualTo("s3://shoal-test");
    }
  }

  @Test
  void objectsLiveUnderTheKeyPrefix() {
    store.put("acme/x/k", bytes("v"));

    try (ObjectStore wholeBucket = ObjectStores.open(server.storeOptions(""));
        ObjectStore nested = ObjectStores.open(server.storeOptions(prefix + "/acme"))) {
      assertThat(wholeBucket.get(prefix + "/acme/x/k")).isEqualTo(bytes("v"));
      assertThat(nested.list("")).extracting(ObjectInfo::key).containsExactly("x/k");
      assertThat(wholeBucket.list(prefix + "/"))
          .extracting(ObjectInfo::key)
          .containsExactly(prefix + "/acme/x/k");
    }
  }

  @Test
  void startUpProbeLeavesNothingBehind() {
    try (ObjectStore wholeBucket = ObjectStores.open(server.storeOptions(""))) {
      assertThat(wholeBucket.list(prefix + "/")).isEmpty();
      assertThat(wholeBucket.list(S3ObjectStore.PROBE_PREFIX)).isEmpty();
    }
  }

  @Test
  void objectsThatAreNoValidKeyAreNotListed() {
    store.put("acme/ok", bytes("x"));
    try (S3Client raw = rawClient(server.endpoint())) {
      for (String foreign : java.util.List.of("acme/folder/", "acme/not a key", "acme/.hidden")) {
        raw.putObject(
            b -> b.bucket(server.bucket()).key(prefix + "/" + foreign),
            RequestBody.fromString("x"));
      }
    }

    assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("acme/ok");
  }

  @Test
  void verificationFailsWhenTheEndpointIgnoresConditionalWrites() {
    try (S3TestServer careless = S3TestServer.start(IgnoringConditions::new)) {
      StoreOptions options = careless.storeOptions("x");

      assertThatThrownBy(() -> ObjectStores.open(options))
          .isInstanceOf(StorageException.class)
          .hasMessage(
              "Cannot use store s3://shoal-test/x: the endpoint "
                  + careless.endpoint()
                  + " does not support 'If-None-Match: *' conditional writes (it created the probe"
                  + " object twice), and Shoal cannot run on it safely: concurrent commits would"
                  + " overwrite each other. Use AWS S3 or an S3-compatible server that implements"
                  + " conditional writes")
          .satisfies(e -> assertThat(((StorageException) e).isTransient()).isFalse());
      try (ObjectStore unchecked =
          ObjectStores.open(
              careless.storeOptionsBuilder("x").verifyConditionalWrites(false).build())) {
        assertThat(unchecked.list("")).isEmpty();
      }
    }
  }

  @Test
  void putIfAbsentRetriesConditionalRequestConflicts() {
    try (S3TestServer conflicted = S3TestServer.start(Conflicting::new);
        ObjectStore s3 = ObjectStores.open(conflicted.storeOptions("x"))) {
      Conflicting.conflictsLeft.set(3);

      assertThat(s3.putIfAbsent("acme/x/manifests/1", bytes("mine"))).isTrue();

      assertThat(Conflicting.conflictsLeft).hasValue(0);
      assertThat(s3.get("acme/x/manifests/1")).isEqualTo(bytes("mine"));
      assertThat(s3.putIfAbsent("acme/x/manifests/1", bytes("theirs"))).isFalse();
    }
  }

  @Test
  void putIfAbsentWhoseResponseWasLostStillCountsAsCreated() {
    try (S3TestServer lossy = S3TestServer.start(LosingResponses::new);
        ObjectStore s3 = ObjectStores.open(lossy.storeOptions("x"))) {
      LosingResponses.lossesLeft.set(1);

      assertThat(s3.putIfAbsent("acme/x/manifests/1", bytes("mine"))).isTrue();

      assertThat(LosingResponses.lossesLeft).hasValue(0);
      assertThat(s3.get("acme/x/manifests/1")).isEqualTo(bytes("mine"));
    }
  }

  @Test
  void wrongCredentialsArePermanentFailures() {
    StoreOptions wrongSecret =
        server.storeOptionsBuilder(prefix).s3SecretAccessKey("not-the-secret").build();

    assertThatThrownBy(() -> ObjectStores.open(wrongSecret))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith("Cannot create object _probe/conditional-write-")
        .hasMessageContaining(" in s3://shoal-test/" + prefix + ": ")
        .hasMessageContaining("Status Code: 403")
        .hasMessageNotContaining("not-the-secret")
        .satisfies(e -> assertThat(((StorageException) e).isTransient()).isFalse());
    try (ObjectStore unchecked =
        ObjectStores.open(wrongSecret.toBuilder().verifyConditionalWrites(false).build())) {
      assertThatThrownBy(() -> unchecked.get("k"))
          .isInstanceOf(StorageException.class)
          .isNotInstanceOf(ObjectNotFoundException.class)
          .hasMessageStartingWith("Cannot get object k from s3://shoal-test/" + prefix + ": ")
          .hasMessageNotContaining("not-the-secret");
    }
  }

  @Test
  void missingBucketIsAPermanentFailureNotAMissingObject() {
    StoreOptions options =
        StoreOptions.builder("s3://no-such-bucket/p")
            .s3Endpoint(server.endpoint())
            .s3Region(S3TestServer.REGION)
            .s3PathStyle(true)
            .s3AccessKeyId(server.accessKeyId())
            .s3SecretAccessKey(server.secretAccessKey())
            .verifyConditionalWrites(false)
            .build();

    try (ObjectStore noBucket = ObjectStores.open(options)) {
      assertThatThrownBy(() -> noBucket.get("k"))
          .isInstanceOf(StorageException.class)
          .isNotInstanceOf(ObjectNotFoundException.class)
          .hasMessageStartingWith("Cannot get object k from s3://no-such-bucket/p: ")
          .hasMessageContaining("Status Code: 404")
          .satisfies(e -> assertThat(((StorageException) e).isTransient()).isFalse());
      assertThatThrownBy(() -> noBucket.put("k", bytes("v")))
          .isInstanceOf(StorageException.class)
          .hasMessageStartingWith("Cannot put object k to s3://no-such-bucket/p: ");
      assertThatThrownBy(() -> noBucket.list(""))
          .isInstanceOf(StorageException.class)
          .hasMessageStartingWith("Cannot list objects under prefix '' in s3://no-such-bucket/p: ");
    }
  }

  @Test
  void unreachableEndpointIsATransientFailure() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    StoreOptions options =
        server
            .storeOptionsBuilder(prefix)
            .s3Endpoint("http://127.0.0.1:" + closedPort)
            .s3ApiCallTimeout(Duration.ofSeconds(5))
            .verifyConditionalWrites(false)
            .build();

    try (ObjectStore unreachable = ObjectStores.open(options)) {
      assertThatThrownBy(() -> unreachable.get("k"))
          .isInstanceOf(StorageException.class)
          .hasMessageStartingWith("Cannot get object k from s3://shoal-test/" + prefix + ": ")
          .satisfies(e -> assertThat(((StorageException) e).isTransient()).isTrue());
      assertThatThrownBy(() -> unreachable.putIfAbsent("k", bytes("v")))
          .isInstanceOf(StorageException.class)
          .hasMessageStartingWith(
              "Cannot create object k in s3://shoal-test/"
                  + prefix
                  + ": gave up after 6 attempts (the object may or may not have been created): ")
          .satisfies(e -> assertThat(((StorageException) e).isTransient()).isTrue());
    }
  }

  @Test
  void classifiesServiceErrorsAsTransientOrPermanent() {
    assertThat(S3ObjectStore.isTransient(s3Error(503, "SlowDown"))).isTrue();
    assertThat(S3ObjectStore.isTransient(s3Error(429, "TooManyRequests"))).isTrue();
    assertThat(S3ObjectStore.isTransient(s3Error(500, "InternalError"))).isTrue();
    assertThat(S3ObjectStore.isTransient(s3Error(409, "ConditionalRequestConflict"))).isTrue();
    assertThat(S3ObjectStore.isTransient(s3Error(403, "AccessDenied"))).isFalse();
    assertThat(S3ObjectStore.isTransient(s3Error(400, "InvalidRequest"))).isFalse();
    assertThat(S3ObjectStore.isTransient(s3Error(404, "NoSuchBucket"))).isFalse();
    assertThat(S3ObjectStore.isTransient(ApiCallTimeoutException.create(1000))).isTrue();
    assertThat(
            S3ObjectStore.isTransient(
                SdkClientException.create("reset", new java.net.SocketException("reset"))))
        .isTrue();
    assertThat(S3ObjectStore.isTransient(SdkClientException.create("Unable to load credentials")))
        .isFalse();
  }

  @Test
  void regionFallsBackToUsEast1OnlyForCustomEndpoints() {
    StoreOptions custom = server.storeOptionsBuilder("p").s3Region(null).build();
    StoreOptions aws = StoreOptions.of("s3://bucket/p");
    StoreOptions explicit = StoreOptions.builder("s3://bucket/p").s3Region("eu-west-1").build();

    assertThat(S3ObjectStore.resolveRegion(explicit, () -> Region.AP_SOUTH_1))
        .isEqualTo(Region.EU_WEST_1);
    assertThat(S3ObjectStore.resolveRegion(aws, () -> Region.AP_SOUTH_1))
        .isEqualTo(Region.AP_SOUTH_1);
    assertThat(S3ObjectStore.resolveRegion(custom, S3ObjectStoreTest::noRegion))
        .isEqualTo(Region.US_EAST_1);
    assertThatThrownBy(() -> S3ObjectStore.resolveRegion(aws, S3ObjectStoreTest::noRegion))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot open store s3://bucket/p: no AWS region configured; set the S3 region option"
                + " or AWS_REGION");
  }

  private static Region noRegion() {
    throw SdkClientException.create("Unable to load region from any of the providers");
  }

  private static S3Exception s3Error(int status, String code) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
            .build();
  }

  private static S3Client rawClient(URI endpoint) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    S3TestServer.ACCESS_KEY_ID, S3TestServer.SECRET_ACCESS_KEY)))
        .build();
  }

  /** A backend that creates objects whatever the preconditions say. */
  private static final class IgnoringConditions extends ForwardingBlobStore {
    IgnoringConditions(BlobStore delegate) {
      super(delegate);
    }

    @Override
    public HeadObjectResponse blobMetadataIfPresent(String container, String key) {
      return null; // s3proxy checks If-None-Match against this before writing
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
      return super.putBlob(request.toBuilder().ifNoneMatch(null).build(), content);
    }
  }

  /** A backend that answers 409 ConditionalRequestConflict to the next conditional creates. */
  private static final class Conflicting extends ForwardingBlobStore {
    static final AtomicInteger conflictsLeft = new AtomicInteger();

    Conflicting(BlobStore delegate) {
      super(delegate);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
      if (request.ifNoneMatch() != null
          && conflictsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        // Read the body first, as S3 does: answering before it is read makes the server close the
        // connection under the client's upload ("broken pipe"), which is not what is tested here.
        try {
          content.readAllBytes();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        throw s3Error(409, "ConditionalRequestConflict");
      }
      return super.putBlob(request, content);
    }
  }

  /** A backend that writes the next conditional creates but then fails to answer. */
  private static final class LosingResponses extends ForwardingBlobStore {
    static final AtomicInteger lossesLeft = new AtomicInteger();

    LosingResponses(BlobStore delegate) {
      super(delegate);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
      PutObjectResponse response = super.putBlob(request, content);
      if (request.ifNoneMatch() != null
          && !request.key().contains(S3ObjectStore.PROBE_PREFIX)
          && lossesLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw s3Error(500, "InternalError");
      }
      return response;
    }
  }
}
