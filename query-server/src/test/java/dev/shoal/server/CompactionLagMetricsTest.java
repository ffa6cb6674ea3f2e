package dev.shoal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.EngineConfig;
import org.junit.jupiter.api.Test;

/** /metrics reports the WAL not yet compacted of the namespaces the server served. */
class CompactionLagMetricsTest {
  private static final String NS = "/v1/namespaces/acme/lag/docs";

  @Test
  void reportsUncompactedWalPerNamespaceUntilCompactedOrDeleted() throws Exception {
    EngineConfig config = EngineConfig.builder().maxBatchDocs(100).autoCompact(false).build();
    try (TestServer server = new TestServer(config, b -> {})) {
      Http http = server.http();
      for (int batch = 0; batch < 3; batch++) {
        String body =
            "{\"upserts\":[{\"id\":\"a"
                + batch
                + "\",\"vector\":[1,0]},{\"id\":\"b"
                + batch
                + "\",\"vector\":[0,1]}]}";
        assertThat(http.post(NS + "/documents", body).status()).isEqualTo(200);
      }
      String scraped = http.get("/metrics").body();
      assertThat(scraped)
          .contains("# TYPE shoal_namespace_wal_batches gauge")
          .contains("shoal_namespace_wal_batches{namespace=\"acme/lag/docs\"} 3")
          .contains("shoal_namespace_wal_records{namespace=\"acme/lag/docs\"} 6");

      assertThat(http.post(NS + "/compact", "{\"force\":true}").status()).isEqualTo(200);
      scraped = http.get("/metrics").body();
      assertThat(scraped)
          .contains("shoal_namespace_wal_batches{namespace=\"acme/lag/docs\"} 0")
          .contains("shoal_namespace_wal_records{namespace=\"acme/lag/docs\"} 0");

      assertThat(http.delete(NS).status()).isEqualTo(204);
      assertThat(http.get("/metrics").body())
          .contains("# TYPE shoal_namespace_wal_batches gauge")
          .doesNotContain("acme/lag/docs");
    }
  }
}
