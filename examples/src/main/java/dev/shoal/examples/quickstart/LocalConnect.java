package dev.shoal.examples.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;

/**
 * A Kafka Connect worker in standalone mode in this JVM, started the way {@code
 * connect-standalone.sh} starts one, with its REST API on an ephemeral localhost port. Connectors
 * are created through that REST API ({@code POST /connectors}), as in distributed mode.
 */
final class LocalConnect implements AutoCloseable {
  private final Connect<StandaloneHerder> connect;
  private final URI url;
  private final JsonHttp http;

  private LocalConnect(Connect<StandaloneHerder> connect, JsonHttp http) {
    this.connect = connect;
    this.url = connect.rest().advertisedUrl();
    this.http = http;
  }

  /**
   * Starts a worker.
   *
   * @param pluginPath the folder holding plugin folders (here, the Shoal sink's)
   * @param workDir where the worker keeps its (source) offsets file
   */
  static LocalConnect start(String bootstrapServers, Path pluginPath, Path workDir, JsonHttp http) {
    Map<String, String> worker = new HashMap<>();
    worker.put("bootstrap.servers", bootstrapServers);
    worker.put("listeners", "http://127.0.0.1:0");
    worker.put("plugin.path", pluginPath.toString());
    // Plugins register themselves in META-INF/services (the Shoal sink does), so the worker need
    // not scan every class of every jar: start-up takes seconds less.
    worker.put("plugin.discovery", "service_load");
    worker.put("offset.storage.file.filename", workDir.resolve("connect.offsets").toString());
    worker.put("offset.flush.interval.ms", "1000");
    worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    worker.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    worker.put("value.converter.schemas.enable", "false");
    Connect<StandaloneHerder> connect = new ConnectStandalone().startConnect(worker);
    return new LocalConnect(connect, http);
  }

  /** The worker's REST API, such as {@code http://127.0.0.1:41234/}. */
  URI url() {
    return url;
  }

  /** {@code POST /connectors} with {@code {"name": .., "config": {..}}}. */
  JsonNode createConnector(String name, Map<String, String> config) throws Exception {
    return http.post(url.resolve("/connectors"), Map.of("name", name, "config", config), 201);
  }

  /** {@code GET /connectors/{name}/status}. */
  JsonNode status(String name) throws Exception {
    return http.get(url.resolve("/connectors/" + name + "/status"), 200);
  }

  @Override
  public void close() {
    connect.stop();
  }
}
