package dev.shoal.engine.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.model.NamespacePath;
import dev.shoal.engine.storage.InMemoryObjectStore;
import dev.shoal.engine.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CompactionLeaseTest {
  private final MutableClock clock = new MutableClock(1_000_000);
  private final InMemoryObjectStore store = new InMemoryObjectStore(clock);
  private final CompactionLease lease = new CompactionLease(store, clock, Duration.ofMinutes(15));
  private final NamespacePath ns = NamespacePath.parse("acme/lease/docs");

  @Test
  void onlyOneHolderUntilReleased() {
    CompactionLease.Held a = lease.tryAcquire(ns, "a");
    assertThat(a).isNotNull();
    assertThat(lease.tryAcquire(ns, "b")).isNull();
    lease.release(a);
    CompactionLease.Held b = lease.tryAcquire(ns, "b");
    assertThat(b).isNotNull();
    assertThat(b.key()).isNotEqualTo(a.key());
  }

  @Test
  void crashedHolderExpires() {
    assertThat(lease.tryAcquire(ns, "crashed")).isNotNull();
    clock.advance(Duration.ofMinutes(14));
    assertThat(lease.tryAcquire(ns, "b")).isNull();
    clock.advance(Duration.ofMinutes(2));
    assertThat(lease.tryAcquire(ns, "b")).isNotNull();
    assertThat(store.list(CompactionLease.prefix(ns))).hasSize(2);
  }
}
