package dev.shoal.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CountingObjectStoreTest extends ObjectStoreContractTest {
  @Override
  protected ObjectStore newStore() {
    return new CountingObjectStore(new InMemoryObjectStore());
  }

  private CountingObjectStore counting() {
    return (CountingObjectStore) store;
  }

  @Test
  void countsEachKindOfCallAndTheBytesMoved() {
    store.put("a", bytes("12345"));
    store.putIfAbsent("a", bytes("123"));
    store.putIfAbsent("b", bytes("12"));
    store.get("a");
    store.getRange("a", 1, 2);
    store.stat("a");
    store.list("");
    store.delete("b");

    assertThat(counting().puts()).isEqualTo(1);
    assertThat(counting().putIfAbsents()).isEqualTo(2);
    assertThat(counting().gets()).isEqualTo(1);
    assertThat(counting().rangedGets()).isEqualTo(1);
    assertThat(counting().stats()).isEqualTo(1);
    assertThat(counting().lists()).isEqualTo(1);
    assertThat(counting().deletes()).isEqualTo(1);
    assertThat(counting().bytesWritten()).isEqualTo(10);
    assertThat(counting().bytesRead()).isEqualTo(7);
    assertThat(counting().roundTrips()).isEqualTo(8);
    assertThat(counting())
        .hasToString(
            "CountingObjectStore[gets=1, rangedGets=1, stats=1, puts=1, putIfAbsents=2, deletes=1,"
                + " lists=1, bytesRead=7, bytesWritten=10]");
  }

  @Test
  void countsReadsPerKeyPrefix() {
    store.put("ns/a/seg", bytes("12345"));
    store.put("ns/b/seg", bytes("12345"));
    store.get("ns/a/seg");
    store.getRange("ns/a/seg", 1, 2);
    store.get("ns/b/seg");
    store.stat("ns/b/seg");

    assertThat(counting().readsUnder("ns/a/")).isEqualTo(2);
    assertThat(counting().readsUnder("ns/b/")).isEqualTo(1);
    assertThat(counting().readsUnder("ns/")).isEqualTo(3);
    assertThat(counting().readsUnder("other/")).isZero();
    counting().reset();
    assertThat(counting().readsUnder("ns/")).isZero();
  }

  @Test
  void countsFailedCallsAsRoundTrips() {
    assertThatThrownBy(() -> store.get("missing"))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessage("Object not found: missing");

    assertThat(counting().gets()).isEqualTo(1);
    assertThat(counting().bytesRead()).isZero();
  }

  @Test
  void resetZeroesEveryCounter() {
    store.put("a", bytes("12345"));
    store.get("a");

    counting().reset();

    assertThat(counting().roundTrips()).isZero();
    assertThat(counting().bytesRead()).isZero();
    assertThat(counting().bytesWritten()).isZero();
  }
}
