package dev.shoal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.server.auth.ApiKey;
import dev.shoal.server.auth.ApiKeys;
import dev.shoal.server.auth.Role;
import dev.shoal.server.auth.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {
  private static final String SECRET = "s3cr3t-key-0123456789";

  @Test
  void loadsClearAndHashedKeysWithScopesAndRoles(@TempDir Path dir) throws Exception {
    String hashed = HexFormat.of().formatHex(ApiKeys.sha256("hashed-key-0123456789"));
    Path file = dir.resolve("keys.json");
    Files.writeString(
        file,
        "{\"keys\":[{\"key\":\""
            + SECRET
            + "\",\"scope\":\"acme/*\",\"role\":\"write\",\"name\":\"ingest\"},"
            + "{\"key_sha256\":\""
            + hashed.toUpperCase()
            + "\",\"scope\":\"*\",\"role\":\"admin\"}]}");
    ApiKeys keys = ApiKeys.load(file);
    ApiKey ingest = keys.authenticate(SECRET).orElseThrow();
    assertThat(ingest.name()).isEqualTo("ingest");
    assertThat(ingest.scope()).isEqualTo(new Scope("acme", null));
    assertThat(ingest.role()).isEqualTo(Role.WRITE);
    ApiKey admin = keys.authenticate("hashed-key-0123456789").orElseThrow();
    assertThat(admin.name()).isEqualTo("key-1");
    assertThat(admin.scope().isAll()).isTrue();
    assertThat(keys.authenticate("wrong")).isEmpty();
    assertThat(keys.authenticate(SECRET + " ")).isEmpty();
    assertThat(ingest.toString()).doesNotContain(SECRET);
  }

  @Test
  void scopesCoverWhatApiMdSays() {
    assertThat(Scope.parse("*").covers("any", "thing")).isTrue();
    assertThat(Scope.parse("acme/*").covers("acme", "search")).isTrue();
    assertThat(Scope.parse("acme/*").covers("other", "search")).isFalse();
    assertThat(Scope.parse("acme/search").covers("acme", "search")).isTrue();
    assertThat(Scope.parse("acme/search").covers("acme", "logs")).isFalse();
    assertThat(Scope.parse("acme/search").isAll()).isFalse();
    assertThatThrownBy(() -> Scope.parse("acme")).hasMessageContaining("org/project");
    assertThatThrownBy(() -> Scope.parse("../x")).hasMessageContaining("invalid scope");
    assertThatThrownBy(() -> Scope.parse("*/search")).hasMessageContaining("invalid scope");
  }

  @Test
  void rolesIncludeTheOnesBefore() {
    assertThat(Role.ADMIN.includes(Role.WRITE)).isTrue();
    assertThat(Role.WRITE.includes(Role.READ)).isTrue();
    assertThat(Role.READ.includes(Role.WRITE)).isFalse();
    assertThat(Role.WRITE.includes(Role.ADMIN)).isFalse();
  }

  @Test
  void rejectsBadFilesWithoutQuotingSecrets() {
    String[][] cases = {
      {"{\"keys\":[]}", "no keys"},
      {"{\"key\":\"x\"}", "expected {\"keys\": [...]}"},
      {"{\"keys\":[{\"key\":\"" + SECRET + "\",\"scope\":\"*\"}]}", "keys[0] needs \"role\""},
      {
        "{\"keys\":[{\"key\":\"" + SECRET + "\",\"scope\":\"*\",\"role\":\"root\"}]}",
        "unknown role"
      },
      {
        "{\"keys\":[{\"key\":\"" + SECRET + "\",\"scope\":\"acme\",\"role\":\"read\"}]}",
        "invalid scope"
      },
      {"{\"keys\":[{\"key\":\"short\",\"scope\":\"*\",\"role\":\"read\"}]}", "at least 16"},
      {"{\"keys\":[{\"key_sha256\":\"abc\",\"scope\":\"*\",\"role\":\"read\"}]}", "64 hex digits"},
      {
        "{\"keys\":[{\"key\":\""
            + SECRET
            + "\",\"key_sha256\":\""
            + "0".repeat(64)
            + "\",\"scope\":\"*\",\"role\":\"read\"}]}",
        "exactly one of"
      },
      {
        "{\"keys\":[{\"key\":\"" + SECRET + "\",\"scope\":\"*\",\"role\":\"read\",\"ttl\":1}]}",
        "unknown field \"ttl\""
      },
      {
        "{\"keys\":[{\"key\":\""
            + SECRET
            + "\",\"scope\":\"*\",\"role\":\"read\"},"
            + "{\"key\":\""
            + SECRET
            + "\",\"scope\":\"acme/*\",\"role\":\"admin\"}]}",
        "repeats a key"
      },
      {"{\"keys\":[{\"key\":\"" + SECRET + "\", oops}]}", "malformed JSON"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> ApiKeys.parse(c[0]))
          .as(c[0])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c[1])
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
    }
  }

  @Test
  void missingFileIsAClearError(@TempDir Path dir) {
    assertThatThrownBy(() -> ApiKeys.load(dir.resolve("none.json")))
        .hasMessageContaining("Cannot read API key file");
  }
}
