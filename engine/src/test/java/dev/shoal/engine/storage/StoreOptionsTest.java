package dev.shoal.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StoreOptionsTest {
  @Test
  void defaultsVerifyConditionalWritesAndUseTheDefaultChains() {
    StoreOptions options = StoreOptions.of("s3://bucket/prefix");

    assertThat(options.uri()).isEqualTo("s3://bucket/prefix");
    assertThat(options.s3Endpoint()).isNull();
    assertThat(options.s3Region()).isNull();
    assertThat(options.s3PathStyle()).isFalse();
    assertThat(options.s3AccessKeyId()).isNull();
    assertThat(options.s3SecretAccessKey()).isNull();
    assertThat(options.s3ApiCallTimeout()).isEqualTo(StoreOptions.DEFAULT_S3_API_CALL_TIMEOUT);
    assertThat(options.verifyConditionalWrites()).isTrue();
  }

  @Test
  void builderSetsEveryOptionAndToBuilderKeepsThem() {
    StoreOptions options =
        StoreOptions.builder("s3://bucket")
            .s3Endpoint("http://127.0.0.1:9000")
            .s3Region("eu-west-1")
            .s3PathStyle(true)
            .s3AccessKeyId("AKIA-ID")
            .s3SecretAccessKey("top-secret")
            .s3ApiCallTimeout(Duration.ofSeconds(30))
            .verifyConditionalWrites(false)
            .build();

    assertThat(options.s3Endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(options.s3Region()).isEqualTo("eu-west-1");
    assertThat(options.s3PathStyle()).isTrue();
    assertThat(options.s3AccessKeyId()).isEqualTo("AKIA-ID");
    assertThat(options.s3SecretAccessKey()).isEqualTo("top-secret");
    assertThat(options.s3ApiCallTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.verifyConditionalWrites()).isFalse();
    assertThat(options.toBuilder().build()).isEqualTo(options);
  }

  @Test
  void toStringMasksTheSecret() {
    StoreOptions options =
        StoreOptions.builder("s3://bucket")
            .s3AccessKeyId("AKIA-ID")
            .s3SecretAccessKey("top-secret")
            .build();

    assertThat(options.toString())
        .doesNotContain("top-secret")
        .isEqualTo(
            "StoreOptions[uri=s3://bucket, s3Endpoint=null, s3Region=null, s3PathStyle=false,"
                + " s3AccessKeyId=AKIA-ID, s3SecretAccessKey=****, s3ApiCallTimeout=PT2M,"
                + " s3ConnectionMaxIdleTime=PT10S, verifyConditionalWrites=true]");
  }

  @Test
  void credentialsComeInPairs() {
    assertThatThrownBy(() -> StoreOptions.builder("s3://bucket").s3AccessKeyId("AKIA-ID").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot open store s3://bucket: set both s3AccessKeyId and s3SecretAccessKey, or"
                + " neither for the default credentials chain");
    assertThatThrownBy(() -> StoreOptions.builder("s3://bucket").s3SecretAccessKey("s").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot open store s3://bucket: set both s3AccessKeyId");
  }

  @Test
  void s3OptionsAreRejectedForStoresNotOnS3() {
    assertThatThrownBy(
            () -> StoreOptions.builder("file:///var/shoal").s3Region("eu-west-1").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot open store file:///var/shoal: s3Region is set but the store is not on S3 (its"
                + " URI is not s3://)");
    assertThatThrownBy(
            () -> StoreOptions.builder("memory:").s3Endpoint("http://localhost:9000").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot open store memory:: s3Endpoint is set but");
  }

  @Test
  void settersRejectInvalidValues() {
    StoreOptions.Builder builder = StoreOptions.builder("s3://bucket");

    assertThatThrownBy(() -> builder.s3Endpoint("ftp://host"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid s3Endpoint 'ftp://host': expected an http or https URL such as"
                + " http://127.0.0.1:9000");
    assertThatThrownBy(() -> builder.s3Endpoint("not a url"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid s3Endpoint 'not a url': ");
    assertThatThrownBy(() -> builder.s3Endpoint("http://user:secret@host:9000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid s3Endpoint: credentials do not belong in the URL; set s3AccessKeyId and"
                + " s3SecretAccessKey");
    assertThatThrownBy(() -> builder.s3Region(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid s3Region: blank");
    assertThatThrownBy(() -> builder.s3AccessKeyId(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid s3AccessKeyId: blank");
    assertThatThrownBy(() -> builder.s3SecretAccessKey(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid s3SecretAccessKey: empty");
    assertThatThrownBy(() -> builder.s3ApiCallTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid s3ApiCallTimeout: not positive: PT0S");
    assertThatThrownBy(() -> StoreOptions.builder("s3://").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot open store s3://: bucket name missing");
  }
}
