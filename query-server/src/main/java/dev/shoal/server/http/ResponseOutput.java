package dev.shoal.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;

/**
 * A response body that is buffered up to {@link #BUFFER_LIMIT} and sent with a {@code
 * Content-Length} when it fits, or streamed (chunked) from the first byte past the limit on. The
 * status and headers must be final before the first write. Not thread-safe: one per response.
 */
final class ResponseOutput extends OutputStream {
  static final int BUFFER_LIMIT = 64 << 10;

  private final Response response;
  private byte[] buffer = new byte[4096];
  private int count;
  private OutputStream streaming;
  private long written;
  private boolean closed;

  ResponseOutput(Response response) {
    this.response = response;
  }

  /** Whether bytes have gone to the client (the status can no longer change). */
  boolean committed() {
    return streaming != null;
  }

  /** Bytes of body written so far. */
  long written() {
    return written;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    written += len;
    if (streaming != null) {
      streaming.write(b, off, len);
      return;
    }
    if (count + len <= BUFFER_LIMIT) {
      if (count + len > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.min(BUFFER_LIMIT, Math.max(count + len, count * 2)));
      }
      System.arraycopy(b, off, buffer, count, len);
      count += len;
      return;
    }
    streaming = Content.Sink.asOutputStream(response);
    streaming.write(buffer, 0, count);
    streaming.write(b, off, len);
    buffer = null;
  }

  /** Sends what is buffered as the whole body, or ends the stream. Idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (streaming != null) {
      streaming.close();
      return;
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, count);
    Content.Sink.write(response, true, ByteBuffer.wrap(buffer, 0, count));
  }
}
