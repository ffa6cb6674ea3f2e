package dev.shoal.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.InvalidRequestException;
import dev.shoal.flink.internal.SinkSettings;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

class ShoalSinkBuilderTest {
  private static ShoalSinkBuilder<String> valid() {
    return ShoalSink.<String>builder()
        .storeUri("file:///var/shoal")
        .namespace("acme/search/docs")
        .converter(ShoalWrite::delete);
  }

  @Test
  void buildsWithDefaults() throws Exception {
    ShoalSink<String> sink = valid().build();
    SinkSettings s = sink.settings();
    assertThat(s.exactlyOnce()).isTrue();
    assertThat(s.batchMaxDocs()).isEqualTo(1000);
    assertThat(s.writerId(3)).isEqualTo("flink/shoal-sink/3");
    assertThat(s.namespacePath().toString()).isEqualTo("acme/search/docs");
    // Flink ships the sink to the task managers by Java serialization.
    new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(sink);
  }

  @Test
  void eachSetterRejectsABadValue() {
    assertThatThrownBy(() -> valid().storeUri("ftp://x"))
        .hasMessage(
            "Invalid store URI \"ftp://x\": expected file:///path, s3://bucket/prefix or memory://name");
    assertThatThrownBy(() -> valid().storeUri("s3:///nobucket"))
        .hasMessageContaining("no bucket, as in s3://bucket/prefix");
    assertThatThrownBy(() -> valid().namespace("acme/search"))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> valid().batchMaxDocs(0))
        .hasMessage("Invalid batchMaxDocs 0: expected 1 to 10000");
    assertThatThrownBy(() -> valid().batchMaxDocs(10_001))
        .hasMessage("Invalid batchMaxDocs 10001: expected 1 to 10000");
    assertThatThrownBy(() -> valid().batchMaxBytes(10))
        .hasMessageStartingWith("Invalid batchMaxBytes 10");
    assertThatThrownBy(() -> valid().flushInterval(Duration.ZERO))
        .hasMessage("Invalid flushInterval PT0S: expected 1 ms to 1 hour");
    assertThatThrownBy(() -> valid().maxRetries(-1))
        .hasMessage("Invalid maxRetries -1: expected 0 to 100");
    assertThatThrownBy(() -> valid().retryBackoff(Duration.ofMinutes(5)))
        .hasMessageStartingWith("Invalid retryBackoff PT5M");
    assertThatThrownBy(() -> valid().sinkUid("a/b"))
        .hasMessage("Invalid sinkUid \"a/b\": expected 1 to 128 of A-Z a-z 0-9 . _ -");
    assertThatThrownBy(() -> valid().deliveryGuarantee(DeliveryGuarantee.NONE))
        .hasMessageStartingWith("Invalid deliveryGuarantee NONE");
    assertThatThrownBy(() -> valid().s3Endpoint("localhost:9000"))
        .hasMessage("Invalid s3Endpoint \"localhost:9000\": expected an http:// or https:// URL");
    assertThatThrownBy(() -> valid().converter(null)).hasMessage("converter is null");
  }

  @Test
  void buildCrossChecksTheSettings() {
    assertThatThrownBy(
            () ->
                ShoalSink.<String>builder()
                    .namespace("a/b/c")
                    .converter(ShoalWrite::delete)
                    .build())
        .hasMessage("Cannot build ShoalSink: set storeUri (file:// or s3://)");
    assertThatThrownBy(
            () ->
                ShoalSink.<String>builder()
                    .storeUri("file:///x")
                    .converter(ShoalWrite::delete)
                    .build())
        .hasMessage("Cannot build ShoalSink: set namespace or namespaceSelector");
    assertThatThrownBy(() -> valid().namespaceSelector(s -> "a/b/c").build())
        .hasMessage("Cannot build ShoalSink: set namespace or namespaceSelector, not both");
    assertThatThrownBy(
            () -> ShoalSink.<String>builder().storeUri("file:///x").namespace("a/b/c").build())
        .hasMessageStartingWith("Cannot build ShoalSink: set a converter");
    assertThatThrownBy(() -> valid().s3Region("eu-west-1").build())
        .hasMessage(
            "Cannot build ShoalSink: S3 options are set but the store is file:///var/shoal, not an"
                + " s3:// URI");
    assertThatThrownBy(
            () ->
                valid()
                    .objectStoreFactory(
                        new dev.shoal.flink.internal.StoreUri(
                            "memory://x", dev.shoal.flink.internal.S3Settings.NONE))
                    .build())
        .hasMessage("Cannot build ShoalSink: set storeUri or objectStoreFactory, not both");
  }

  @Test
  void s3SettingsNeverPrintTheSecret() {
    ShoalSink<String> sink =
        ShoalSink.<String>builder()
            .storeUri("s3://bucket/prefix")
            .s3Endpoint("http://127.0.0.1:9000")
            .s3PathStyleAccess(true)
            .s3Credentials("AKIA", "very-secret")
            .namespace("acme/search/docs")
            .converter(ShoalWrite::delete)
            .build();
    assertThat(sink.settings().toString()).doesNotContain("very-secret");
  }
}
