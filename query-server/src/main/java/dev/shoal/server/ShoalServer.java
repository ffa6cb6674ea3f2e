package dev.shoal.server;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.Engine;
import dev.shoal.engine.EngineConfig;
import dev.shoal.engine.storage.ObjectStore;
import dev.shoal.engine.storage.ObjectStores;
import dev.shoal.server.api.QueryLimiter;
import dev.shoal.server.api.ShoalApi;
import dev.shoal.server.auth.ApiKeys;
import dev.shoal.server.http.AccessLog;
import dev.shoal.server.http.ApiHandler;
import dev.shoal.server.http.ApiServer;
import dev.shoal.server.http.Router;
import dev.shoal.server.metrics.Metrics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query server: {@code java -jar shoal-server.jar [options]} (see {@code --help} and
 * README.md). Opens the store and an {@link Engine}, serves API.md over HTTP and, on SIGTERM or
 * Ctrl-C, stops accepting, finishes the requests in flight, then closes the engine (which runs its
 * queued commits).
 *
 * <p>It refuses to bind a non-loopback address without API keys unless {@code --insecure}: with no
 * keys every request is allowed.
 */
public final class ShoalServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ShoalServer.class);

  private final ApiServer http;
  private final Engine engine;
  private final boolean ownsEngine;
  private final QueryLimiter queries;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ShoalServer(Builder b, ApiServer http, QueryLimiter queries) {
    this.http = http;
    this.engine = b.engine;
    this.ownsEngine = b.ownsEngine;
    this.queries = queries;
  }

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.print(Option.usage());
      return;
    }
    ShoalServer server;
    try {
      server = start(ServerConfig.parse(args, System.getenv()));
    } catch (IllegalArgumentException e) {
      System.err.println("shoal-server: " + e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      LOG.error("Cannot start the server", e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shoal-shutdown"));
  }

  /**
   * Opens the configured store and engine and starts serving.
   *
   * @throws IllegalArgumentException for a setting that cannot work (unsafe bind, bad key file)
   */
  public static ShoalServer start(ServerConfig config) throws Exception {
    ApiKeys keys = config.apiKeys() == null ? null : ApiKeys.load(config.apiKeys());
    checkBind(config.bind(), keys != null, config.insecure());
    EngineConfig.Builder engineConfig =
        EngineConfig.builder()
            .maxBatchDocs(config.maxBatchDocs())
            .memoryCacheBytes(config.cacheMemoryBytes())
            .diskCacheBytes(config.cacheDiskBytes())
            .diskCacheDir(config.cacheDir());
    if (config.maxBatchDocs() > EngineConfig.defaults().maxGroupCommitRecords()) {
      engineConfig.maxGroupCommitRecords(config.maxBatchDocs());
    }
    ObjectStore store = ObjectStores.open(config.storeOptions());
    Engine engine;
    try {
      engine = Engine.builder().ownedStore(store).config(engineConfig.build()).build();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    ShoalServer server;
    try {
      server =
          builder()
              .engine(engine, true)
              .keys(keys)
              .bind(config.bind(), config.port())
              .maxBodyBytes(config.maxBodyBytes())
              .maxConcurrentQueries(config.maxConcurrentQueries())
              .httpThreads(config.httpThreads())
              .shutdownTimeout(config.shutdownTimeout())
              .accessLog(AccessLog.toLogger(config.logFormat()))
              .start();
    } catch (Exception e) {
      engine.close();
      throw e;
    }
    // Pinned namespaces are stored with the data: warm them again (in the background).
    engine.restorePins();
    LOG.info(
        "Shoal server listening on http://{}:{} (store {}, {})",
        config.bind(),
        server.port(),
        store.describe(),
        keys == null ? "no API keys: every request is allowed" : keys.keys().size() + " API keys");
    return server;
  }

  /**
   * Refuses a non-loopback address without keys unless {@code insecure}.
   *
   * @throws IllegalArgumentException saying what to do
   */
  static void checkBind(String bind, boolean haveKeys, boolean insecure) {
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("Cannot bind " + bind + ": unknown host", e);
    }
    if (!address.isLoopbackAddress() && !haveKeys && !insecure) {
      throw new IllegalArgumentException(
          "Cannot bind "
              + bind
              + ": it is not a loopback address and no --api-keys file is given, so anyone who"
              + " can reach it could read and write every namespace. Give --api-keys FILE, or"
              + " --insecure to accept that.");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The bound port. */
  public int port() {
    return http.port();
  }

  /** Requests being handled now. */
  int requestsInFlight() {
    return http.requestsInFlight();
  }

  /** The query limiter, so tests can fill it. */
  QueryLimiter queryLimiter() {
    return queries;
  }

  /**
   * Stops gracefully: no new connections, requests in flight finish (up to the shutdown timeout),
   * then the engine closes if this server owns it. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Shoal server stopping: finishing requests in flight");
    try {
      http.stop();
    } catch (Exception e) {
      LOG.warn("Stopping the HTTP server failed", e);
    }
    if (ownsEngine) {
      engine.close();
    }
    LOG.info("Shoal server stopped");
  }

  /** Assembles a server around an engine; {@link #start()} binds it. */
  public static final class Builder {
    private Engine engine;
    private boolean ownsEngine;
    private ApiKeys keys;
    private String host = "127.0.0.1";
    private int port;
    private long maxBodyBytes = 64L << 20;
    private int maxConcurrentQueries = 64;
    private int httpThreads = 200;
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private AccessLog accessLog;

    private Builder() {}

    /**
     * The engine to serve.
     *
     * @param owned whether {@link ShoalServer#close()} closes it
     */
    public Builder engine(Engine value, boolean owned) {
      engine = requireNonNull(value, "engine is null");
      ownsEngine = owned;
      return this;
    }

    /** The API keys, or null to allow every request. */
    public Builder keys(ApiKeys value) {
      keys = value;
      return this;
    }

    /** Address and port (0: any free port); default 127.0.0.1 and 0. */
    public Builder bind(String hostValue, int portValue) {
      host = requireNonNull(hostValue, "host is null");
      if (portValue < 0 || portValue > 65535) {
        throw new IllegalArgumentException("Cannot bind port " + portValue + ": out of range");
      }
      port = portValue;
      return this;
    }

    public Builder maxBodyBytes(long value) {
      if (value < 1) {
        throw new IllegalArgumentException("Cannot limit bodies to " + value + " bytes");
      }
      maxBodyBytes = value;
      return this;
    }

    public Builder maxConcurrentQueries(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("Cannot limit queries to " + value);
      }
      maxConcurrentQueries = value;
      return this;
    }

    public Builder httpThreads(int value) {
      if (value < 4) {
        throw new IllegalArgumentException("Cannot run with " + value + " threads: at least 4");
      }
      httpThreads = value;
      return this;
    }

    public Builder shutdownTimeout(Duration value) {
      shutdownTimeout = requireNonNull(value, "shutdownTimeout is null");
      return this;
    }

    /** The access log; by default text lines to the {@code shoal.access} logger. */
    public Builder accessLog(AccessLog value) {
      accessLog = requireNonNull(value, "accessLog is null");
      return this;
    }

    /** Binds and starts serving. */
    public ShoalServer start() throws Exception {
      if (engine == null) {
        throw new IllegalStateException("Cannot start the server: no engine set");
      }
      Metrics metrics = new Metrics();
      QueryLimiter queries = new QueryLimiter(maxConcurrentQueries);
      ShoalApi api = new ShoalApi(engine, metrics, queries);
      ApiHandler handler =
          new ApiHandler(
              new Router(api.routes()),
              keys,
              metrics,
              accessLog == null ? AccessLog.toLogger(AccessLog.Format.TEXT) : accessLog,
              maxBodyBytes);
      ApiServer http = new ApiServer(handler, host, port, httpThreads, shutdownTimeout);
      http.start();
      return new ShoalServer(this, http, queries);
    }
  }
}
