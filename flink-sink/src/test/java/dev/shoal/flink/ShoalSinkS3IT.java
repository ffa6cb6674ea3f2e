package dev.shoal.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.Engine;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.ObjectStores;
import dev.shoal.engine.storage.S3TestServer;
import dev.shoal.flink.testing.Changes;
import dev.shoal.flink.testing.Jobs;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink on an S3-compatible server (s3proxy in the test JVM), with the S3 builder options. */
class ShoalSinkS3IT {
  private static final NamespacePath NS = NamespacePath.parse("acme/search/s3");

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @Test
  void writesExactlyOnceToAnS3Bucket() throws Exception {
    try (S3TestServer s3 = S3TestServer.start()) {
      String uri = "s3://" + s3.bucket() + "/flink-it";
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.setParallelism(2);
      env.enableCheckpointing(200);
      Jobs.sink(
          Jobs.source(env, Changes::distinct, 3_000, 3_000),
          ShoalSink.<Changes.Event>builder()
              .storeUri(uri)
              .s3Endpoint(s3.endpoint().toString())
              .s3Region(S3TestServer.REGION)
              .s3PathStyleAccess(true)
              .s3Credentials(s3.accessKeyId(), s3.secretAccessKey())
              .namespace(NS.toString())
              .converter(Changes::toWrite)
              .batchMaxDocs(500)
              .build());
      env.execute("s3");

      try (Engine engine =
          Engine.builder().ownedStore(ObjectStores.open(s3.storeOptions("flink-it"))).build()) {
        assertThat(engine.getNamespace(NS).docCount()).isEqualTo(3_000);
      }
    }
  }
}
