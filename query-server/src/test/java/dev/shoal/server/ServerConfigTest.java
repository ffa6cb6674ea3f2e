package dev.shoal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.engine.storage.StoreOptions;
import dev.shoal.server.http.AccessLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
  @Test
  void defaultsMatchApiMd() {
    ServerConfig c = ServerConfig.parse(new String[0], Map.of());
    assertThat(c.store()).isEqualTo("./shoal-data");
    assertThat(c.storeOptions().uri()).isEqualTo("./shoal-data");
    assertThat(c.bind()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.apiKeys()).isNull();
    assertThat(c.insecure()).isFalse();
    assertThat(c.s3PathStyle()).isFalse();
    assertThat(c.cacheDir()).isNull();
    assertThat(c.cacheMemoryBytes()).isEqualTo(512L << 20);
    assertThat(c.cacheDiskBytes()).isEqualTo(4L << 30);
    assertThat(c.maxBodyBytes()).isEqualTo(64L << 20);
    assertThat(c.maxBatchDocs()).isEqualTo(10_000);
    assertThat(c.maxConcurrentQueries()).isEqualTo(64);
    assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.logFormat()).isEqualTo(AccessLog.Format.TEXT);
  }

  @Test
  void readsEveryApiMdSettingFromFlagsAndEnvironment() {
    String[] flags = {
      "--store",
      "s3://bucket/prefix",
      "--s3-endpoint=http://127.0.0.1:9000",
      "--s3-region",
      "eu-west-1",
      "--s3-path-style",
      "--bind",
      "0.0.0.0",
      "--port",
      "9090",
      "--cache-dir",
      "/tmp/cache",
      "--cache-disk-bytes",
      "10g",
      "--cache-memory-bytes",
      "256m",
      "--api-keys",
      "/etc/shoal/keys.json",
      "--insecure"
    };
    ServerConfig f = ServerConfig.parse(flags, Map.of());
    Map<String, String> env =
        Map.ofEntries(
            Map.entry("SHOAL_STORE", "s3://bucket/prefix"),
            Map.entry("SHOAL_S3_ENDPOINT", "http://127.0.0.1:9000"),
            Map.entry("SHOAL_S3_REGION", "eu-west-1"),
            Map.entry("SHOAL_S3_PATH_STYLE", "true"),
            Map.entry("SHOAL_BIND", "0.0.0.0"),
            Map.entry("SHOAL_PORT", "9090"),
            Map.entry("SHOAL_CACHE_DIR", "/tmp/cache"),
            Map.entry("SHOAL_CACHE_DISK_BYTES", "10g"),
            Map.entry("SHOAL_CACHE_MEMORY_BYTES", "256m"),
            Map.entry("SHOAL_API_KEYS", "/etc/shoal/keys.json"),
            Map.entry("SHOAL_INSECURE", "true"));
    ServerConfig e = ServerConfig.parse(new String[0], env);
    assertThat(e).isEqualTo(f);
    assertThat(f.store()).isEqualTo("s3://bucket/prefix");
    assertThat(f.s3Endpoint()).isEqualTo("http://127.0.0.1:9000");
    assertThat(f.s3Region()).isEqualTo("eu-west-1");
    assertThat(f.s3PathStyle()).isTrue();
    assertThat(f.bind()).isEqualTo("0.0.0.0");
    assertThat(f.port()).isEqualTo(9090);
    assertThat(f.cacheDir()).isEqualTo(Path.of("/tmp/cache"));
    assertThat(f.cacheDiskBytes()).isEqualTo(10L << 30);
    assertThat(f.cacheMemoryBytes()).isEqualTo(256L << 20);
    assertThat(f.apiKeys()).isEqualTo(Path.of("/etc/shoal/keys.json"));
    assertThat(f.insecure()).isTrue();
  }

  @Test
  void flagsWinOverEnvironment() {
    ServerConfig c =
        ServerConfig.parse(
            new String[] {"--port", "1234", "--log-format", "json"},
            Map.of("SHOAL_PORT", "4321", "SHOAL_MAX_CONCURRENT_QUERIES", "8"));
    assertThat(c.port()).isEqualTo(1234);
    assertThat(c.maxConcurrentQueries()).isEqualTo(8);
    assertThat(c.logFormat()).isEqualTo(AccessLog.Format.JSON);
  }

  @Test
  void passesS3SettingsToTheStoreOptions() {
    ServerConfig c =
        ServerConfig.parse(
            new String[] {
              "--store",
              "s3://bucket/prefix",
              "--s3-endpoint",
              "http://127.0.0.1:9000",
              "--s3-region",
              "eu-west-1",
              "--s3-path-style"
            },
            Map.of());
    StoreOptions o = c.storeOptions();
    assertThat(o.uri()).isEqualTo("s3://bucket/prefix");
    assertThat(o.s3Endpoint().toString()).isEqualTo("http://127.0.0.1:9000");
    assertThat(o.s3Region()).isEqualTo("eu-west-1");
    assertThat(o.s3PathStyle()).isTrue();
    assertThat(o.s3AccessKeyId()).isNull();
  }

  @Test
  void rejectsBadSettingsNamingTheSource() {
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--prot", "1"}, Map.of()))
        .hasMessageContaining("unknown option --prot");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--port"}, Map.of()))
        .hasMessageContaining("--port needs a value");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--port", "70000"}, Map.of()))
        .hasMessageContaining("\"70000\" from --port");
    assertThatThrownBy(() -> ServerConfig.parse(new String[0], Map.of("SHOAL_PORT", "http")))
        .hasMessageContaining("from SHOAL_PORT");
    assertThatThrownBy(
            () -> ServerConfig.parse(new String[] {"--cache-memory-bytes", "lots"}, Map.of()))
        .hasMessageContaining("byte count");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--insecure=maybe"}, Map.of()))
        .hasMessageContaining("true or false");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--store", "ftp://x"}, Map.of()))
        .hasMessageContaining("Cannot open store ftp://x")
        .hasMessageContaining("from --store");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"serve"}, Map.of()))
        .hasMessageContaining("unexpected argument");
  }

  @Test
  void switchesTakeAnOptionalTrueOrFalse() {
    assertThat(ServerConfig.parse(new String[] {"--insecure"}, Map.of()).insecure()).isTrue();
    assertThat(ServerConfig.parse(new String[] {"--insecure", "true"}, Map.of()).insecure())
        .isTrue();
    assertThat(ServerConfig.parse(new String[] {"--insecure", "FALSE"}, Map.of()).insecure())
        .isFalse();
    assertThat(ServerConfig.parse(new String[] {"--insecure=false"}, Map.of()).insecure())
        .isFalse();
    // A flag wins over the variable, also when it says false.
    ServerConfig c =
        ServerConfig.parse(
            new String[] {"--s3-path-style", "false", "--port", "9"},
            Map.of("SHOAL_S3_PATH_STYLE", "true", "SHOAL_INSECURE", "True"));
    assertThat(c.s3PathStyle()).isFalse();
    assertThat(c.insecure()).isTrue();
    assertThat(c.port()).isEqualTo(9);
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--insecure", "yes"}, Map.of()))
        .hasMessageContaining("\"yes\" from --insecure")
        .hasMessageContaining("expected true or false");
  }

  @Test
  void rejectsOtherBooleanValuesNamingTheFlag() {
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--insecure=1"}, Map.of()))
        .hasMessageContaining("\"1\" from --insecure")
        .hasMessageContaining("expected true or false");
    assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--insecure="}, Map.of()))
        .hasMessageContaining("from --insecure")
        .hasMessageContaining("expected true or false");
    assertThatThrownBy(
            () -> ServerConfig.parse(new String[0], Map.of("SHOAL_S3_PATH_STYLE", "yes")))
        .hasMessageContaining("\"yes\" from SHOAL_S3_PATH_STYLE (--s3-path-style)")
        .hasMessageContaining("expected true or false");
  }

  @Test
  void parsesByteSizes() {
    assertThat(ServerConfig.parseBytes("1048576")).isEqualTo(1 << 20);
    assertThat(ServerConfig.parseBytes("64k")).isEqualTo(64 << 10);
    assertThat(ServerConfig.parseBytes("512MiB")).isEqualTo(512L << 20);
    assertThat(ServerConfig.parseBytes("2G")).isEqualTo(2L << 30);
    assertThat(ServerConfig.parseBytes("1t")).isEqualTo(1L << 40);
    assertThatThrownBy(() -> ServerConfig.parseBytes("0")).hasMessageContaining("positive");
    assertThatThrownBy(() -> ServerConfig.parseBytes("-1")).hasMessageContaining("byte count");
  }

  @Test
  void refusesNonLoopbackBindWithoutKeysUnlessInsecure() {
    ShoalServer.checkBind("127.0.0.1", false, false);
    ShoalServer.checkBind("localhost", false, false);
    ShoalServer.checkBind("::1", false, false);
    ShoalServer.checkBind("0.0.0.0", true, false);
    ShoalServer.checkBind("0.0.0.0", false, true);
    assertThatThrownBy(() -> ShoalServer.checkBind("0.0.0.0", false, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Cannot bind 0.0.0.0")
        .hasMessageContaining("--api-keys")
        .hasMessageContaining("--insecure");
  }

  @Test
  void startRefusesUnsafeBindBeforeOpeningAnything() {
    ServerConfig c =
        ServerConfig.parse(new String[] {"--bind", "0.0.0.0", "--store", "memory:"}, Map.of());
    assertThatThrownBy(() -> ShoalServer.start(c)).hasMessageContaining("not a loopback address");
  }

  @Test
  void helpListsEveryFlagAndVariable() {
    String usage = Option.usage();
    for (Option o : Option.values()) {
      assertThat(usage).contains("--" + o.flag).contains(o.env());
    }
    assertThat(usage).contains("SHOAL_API_KEYS").contains("--help");
  }
}
