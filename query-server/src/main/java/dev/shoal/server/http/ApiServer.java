package dev.shoal.server.http;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Jetty 12 server (core handlers, no servlet layer) around an {@link ApiHandler}.
 *
 * <p>Stopping is graceful: the connector stops accepting, new requests on open connections are
 * refused with 503, and requests in flight run to completion for up to the stop timeout before
 * connections are closed. Threads are named {@code shoal-http-N}.
 */
public final class ApiServer {
  private final Server server;
  private final ServerConnector connector;

  /**
   * @param host the address to bind, such as {@code 127.0.0.1}
   * @param port the port, or 0 for any free one (see {@link #port()})
   * @param maxThreads most request threads; queries beyond the query limit are refused, not queued
   */
  public ApiServer(
      ApiHandler handler, String host, int port, int maxThreads, Duration stopTimeout) {
    requireNonNull(handler, "handler is null");
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
    server.setHandler(new GracefulHandler(handler));
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopTimeout(stopTimeout.toMillis());
    server.setStopAtShutdown(false);
  }

  public void start() throws Exception {
    server.start();
  }

  /** The bound port. */
  public int port() {
    return connector.getLocalPort();
  }

  /** Stops gracefully (see the class comment); returns when stopped. */
  public void stop() throws Exception {
    server.stop();
  }
}
