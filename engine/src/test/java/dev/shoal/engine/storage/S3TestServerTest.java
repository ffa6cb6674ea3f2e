package dev.shoal.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class S3TestServerTest {
  @Test
  void servesAnEmptyBucketOnALocalPort() {
    try (S3TestServer server = S3TestServer.start();
        ObjectStore store = ObjectStores.open(server.storeOptions(""))) {
      assertThat(server.endpoint().toString()).startsWith("http://127.0.0.1:");
      assertThat(server.bucket()).isEqualTo("shoal-test");
      assertThat(store.list("")).isEmpty();
    }
  }

  @Test
  void countsRequestsAndDelaysEachByTheLatency() {
    try (S3TestServer server = S3TestServer.start();
        ObjectStore store =
            ObjectStores.open(
                server.storeOptionsBuilder("p").verifyConditionalWrites(false).build())) {
      store.put("k", new byte[] {1});
      server.setLatency(Duration.ofMillis(100));
      long before = server.requestCount();
      long start = System.nanoTime();

      for (int i = 0; i < 3; i++) {
        store.stat("k");
      }

      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(300));
      assertThat(server.requestCount() - before).isEqualTo(3);
      assertThat(server.latency()).isEqualTo(Duration.ofMillis(100));
      assertThatThrownBy(() -> server.setLatency(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Invalid latency: negative: PT-0.001S");
    }
  }
}
