package dev.shoal.server.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking HTTP/1.1 client over one keep-alive connection, for the load benchmark: it
 * costs far less CPU than a general client, so on a small machine the benchmark measures the server
 * rather than the client. Understands only answers with a {@code Content-Length}. Not thread-safe:
 * one per benchmark thread.
 */
final class KeepAliveClient implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final byte[] head;
  private byte[] body = new byte[1 << 16];

  KeepAliveClient(int port, String path) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    head =
        ("POST " + path + " HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n")
            .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Sends a POST with a JSON body and returns the status; the answer's body is read and dropped.
   */
  int post(byte[] json) throws IOException {
    out.write(head);
    out.write(("Content-Length: " + json.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(json);
    out.flush();
    String statusLine = line();
    int status = Integer.parseInt(statusLine.substring(9, 12));
    int length = -1;
    for (String h = line(); !h.isEmpty(); h = line()) {
      if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        length = Integer.parseInt(h.substring(15).trim());
      }
    }
    if (length < 0) {
      throw new IOException("answer without Content-Length: " + statusLine);
    }
    if (body.length < length) {
      body = new byte[length];
    }
    if (in.readNBytes(body, 0, length) != length) {
      throw new IOException("connection closed in the middle of an answer");
    }
    return status;
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder(64);
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
