package dev.shoal.server.http;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty 12 server (core handlers, no servlet layer) around an {@link ApiHandler}.
 *
 * <p>Stopping is graceful (see {@link #stop()}). Threads are named {@code shoal-http-N}.
 */
public final class ApiServer {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  private final Server server;
  private final ServerConnector connector;
  private final ApiHandler handler;
  private final Duration stopTimeout;

  /**
   * @param host the address to bind, such as {@code 127.0.0.1}
   * @param port the port, or 0 for any free one (see {@link #port()})
   * @param maxThreads most request threads; queries beyond the query limit are refused, not queued
   */
  public ApiServer(
      ApiHandler handler, String host, int port, int maxThreads, Duration stopTimeout) {
    this.handler = requireNonNull(handler, "handler is null");
    this.stopTimeout = requireNonNull(stopTimeout, "stopTimeout is null");
    QueuedThreadPool threads = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads));
    threads.setName("shoal-http");
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // The router splits the raw path and decodes each segment on its own, so ambiguous encodings
    // (%2F, %2e%2e) reach it and are rejected by namespace validation with a clear message.
    http.setUriCompliance(UriCompliance.UNSAFE);
    http.setRequestHeaderSize(16 << 10);
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(handler);
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopAtShutdown(false);
  }

  public void start() throws Exception {
    server.start();
  }

  /** Requests being handled now. */
  public int requestsInFlight() {
    return handler.inFlight();
  }

  /** The bound port. */
  public int port() {
    return connector.getLocalPort();
  }

  /**
   * Stops gracefully: closes the listening socket, lets the requests in flight finish (for up to
   * the stop timeout; new requests on open connections get 503), then stops Jetty, which closes the
   * connections. Returns when stopped.
   */
  public void stop() throws Exception {
    connector.close();
    boolean drained = handler.drain(stopTimeout);
    if (!drained) {
      LOG.warn(
          "Stopping with requests still in flight after the shutdown timeout of {}", stopTimeout);
    }
    server.stop();
  }
}
