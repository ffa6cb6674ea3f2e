package dev.shoal.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class AccessLogTest {
  private static final AccessLog.Entry ENTRY =
      new AccessLog.Entry(
          Instant.parse("2026-12-07T10:00:00Z"),
          "0123456789abcdef",
          "127.0.0.1",
          "GET",
          "/v1/namespaces/acme/search/docs",
          "/v1/namespaces/{org}/{project}/{ns}",
          404,
          1.5,
          0,
          120,
          "reader",
          "not_found");

  @Test
  void writesLinesOnlyWhileEnabled() {
    List<String> lines = new ArrayList<>();
    AtomicBoolean on = new AtomicBoolean(false);
    AccessLog log = new AccessLog(AccessLog.Format.TEXT, lines::add, on::get);

    assertThat(log.enabled()).isFalse();
    log.log(ENTRY);
    assertThat(lines).isEmpty();

    on.set(true);
    assertThat(log.enabled()).isTrue();
    log.log(ENTRY);
    assertThat(lines)
        .containsExactly(
            "time=2026-12-07T10:00:00Z request_id=0123456789abcdef remote=127.0.0.1 method=GET"
                + " path=/v1/namespaces/acme/search/docs route=/v1/namespaces/{org}/{project}/{ns}"
                + " status=404 ms=1.500 bytes_in=0 bytes_out=120 key=reader error=not_found");
  }

  @Test
  void writesOneJsonObjectPerLine() {
    List<String> lines = new ArrayList<>();
    new AccessLog(AccessLog.Format.JSON, lines::add).log(ENTRY);
    assertThat(lines)
        .containsExactly(
            "{\"time\":\"2026-12-07T10:00:00Z\",\"request_id\":\"0123456789abcdef\","
                + "\"remote\":\"127.0.0.1\",\"method\":\"GET\","
                + "\"path\":\"/v1/namespaces/acme/search/docs\","
                + "\"route\":\"/v1/namespaces/{org}/{project}/{ns}\",\"status\":404,\"ms\":1.5,"
                + "\"bytes_in\":0,\"bytes_out\":120,\"key\":\"reader\",\"error\":\"not_found\"}");
  }
}
