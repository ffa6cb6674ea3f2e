package dev.shoal.server;

import dev.shoal.engine.Engine;
import dev.shoal.engine.EngineConfig;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.server.auth.ApiKeys;
import dev.shoal.server.http.AccessLog;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A real server on a random loopback port over an engine on an in-memory store. */
final class TestServer implements AutoCloseable {
  final InMemoryObjectStore store = new InMemoryObjectStore();
  final Engine engine;
  final ShoalServer server;
  final List<String> accessLines = new CopyOnWriteArrayList<>();
  final java.net.http.HttpClient client = Http.newClient();

  TestServer(Consumer<ShoalServer.Builder> options) throws Exception {
    this(EngineConfig.builder().maxBatchDocs(100).build(), options);
  }

  TestServer(EngineConfig config, Consumer<ShoalServer.Builder> options) throws Exception {
    engine = Engine.builder().store(store).config(config).build();
    ShoalServer.Builder b =
        ShoalServer.builder()
            .engine(engine, true)
            .accessLog(new AccessLog(AccessLog.Format.JSON, accessLines::add));
    options.accept(b);
    server = b.start();
  }

  static TestServer open() throws Exception {
    return new TestServer(b -> {});
  }

  static TestServer withKeys(ApiKeys keys) throws Exception {
    return new TestServer(b -> b.keys(keys));
  }

  /**
   * The access log line of a request. The line is written just after the answer is sent, so this
   * waits for it (at most 5 s).
   */
  String accessLine(String requestId) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (String line : accessLines) {
        if (line.contains("\"request_id\":\"" + requestId + "\"")) {
          return line;
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no access log line for request " + requestId);
  }

  Http http() {
    return new Http(client, server.port(), null);
  }

  Http http(String key) {
    return new Http(client, server.port(), key);
  }

  @Override
  public void close() {
    server.close();
  }
}
