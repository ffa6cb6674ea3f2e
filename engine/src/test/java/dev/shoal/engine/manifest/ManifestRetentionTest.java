package dev.shoal.engine.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.Consistency;
import dev.shoal.engine.Engine;
import dev.shoal.engine.EngineConfig;
import dev.shoal.engine.WriteRequest;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestRetentionTest {
  private final MutableClock clock = new MutableClock(1_000_000);
  private final InMemoryObjectStore store = new InMemoryObjectStore(clock);
  private final NamespacePath ns = NamespacePath.parse("acme/ret/docs");
  private final EngineConfig config =
      EngineConfig.builder()
          .manifestRetention(Duration.ofMinutes(10))
          .minRetainedVersions(3)
          .autoCompact(false)
          .build();

  private Engine engine() {
    return Engine.builder()
        .store(store)
        .clock(clock)
        .config(config)
        .backgroundExecutor(Runnable::run)
        .build();
  }

  private void write(Engine e, int i) {
    e.write(ns, WriteRequest.upsert(List.of(Document.of("d" + i, Map.of("i", i)))));
  }

  @Test
  void versionsSupersededLongerThanRetentionAreCollected() {
    try (Engine e = engine()) {
      for (int i = 0; i < 10; i++) {
        write(e, i);
      }
      clock.advance(Duration.ofMinutes(11));
      for (int i = 10; i < 16; i++) {
        write(e, i); // version 16 triggers expiry
      }
      List<String> versions =
          store.list(NamespaceLayout.manifestsPrefix(ns)).stream().map(o -> o.key()).toList();
      // 1..9 were superseded 11 minutes ago; 10 was superseded by 11 just now.
      assertThat(versions).hasSize(7);
      assertThat(NamespaceLayout.versionOf(versions.get(0))).isEqualTo(10);
      assertThat(e.getNamespace(ns).docCount()).isEqualTo(16);
    }
  }

  @Test
  void aReaderWhoseViewIsTooOldReadsTheHeadAgain() {
    try (Engine reader = engine();
        Engine writer = engine()) {
      write(writer, 0);
      assertThat(reader.getDocument(ns, "d0", Consistency.STRONG)).isPresent();
      // The reader's view (version 1) ages while the writer moves on and old versions expire.
      for (int i = 1; i < 40; i++) {
        clock.advance(Duration.ofMinutes(1));
        write(writer, i);
      }
      assertThat(store.stat(NamespaceLayout.manifestKey(ns, 2))).isEmpty();
      assertThat(reader.getNamespace(ns).version()).isEqualTo(40);
      assertThat(reader.getDocument(ns, "d39", Consistency.STRONG)).isPresent();
    }
  }
}
