package dev.shoal.engine.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link ObjectStore} backend must have. A backend's test extends this class
 * and supplies a fresh, empty store per test; other modules reuse it (engine test-jar) for their
 * own store wrappers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ObjectStoreContractTest {
  protected ObjectStore store;

  /** A new, empty store. Called before each test; the test closes it. */
  protected abstract ObjectStore newStore() throws Exception;

  /** Threads racing on one key in {@link #putIfAbsentRaceHasExactlyOneWinner}. */
  protected int raceThreads() {
    return 8;
  }

  /** Keys raced on, one after the other, in {@link #putIfAbsentRaceHasExactlyOneWinner}. */
  protected int raceRounds() {
    return 40;
  }

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void putThenGetRoundTrips() {
    store.put("acme/x/wal/0001.wal", bytes("hello"));

    assertThat(store.get("acme/x/wal/0001.wal")).isEqualTo(bytes("hello"));
  }

  @Test
  void getOfMissingKeyThrowsNotFoundNamingTheKey() {
    store.put("acme/x/wal/0001.wal", bytes("hello"));

    assertThatThrownBy(() -> store.get("acme/x/wal/0002.wal"))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessage("Object not found: acme/x/wal/0002.wal")
        .satisfies(
            e -> assertThat(((ObjectNotFoundException) e).key()).isEqualTo("acme/x/wal/0002.wal"))
        .satisfies(e -> assertThat(((StorageException) e).isTransient()).isFalse());
  }

  @Test
  void getOfMissingFolderThrowsNotFound() {
    assertThatThrownBy(() -> store.get("nobody/here"))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessage("Object not found: nobody/here");
  }

  @Test
  void getOfAKeyPrefixIsNotFound() {
    store.put("acme/x/wal/0001.wal", bytes("hello"));

    assertThatThrownBy(() -> store.get("acme/x"))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessage("Object not found: acme/x");
  }

  @Test
  void putReplacesWholeObject() {
    store.put("k", bytes("a longer first version"));
    store.put("k", bytes("short"));

    assertThat(store.get("k")).isEqualTo(bytes("short"));
    assertThat(store.stat("k")).map(ObjectInfo::size).contains(5L);
  }

  @Test
  void emptyObjectRoundTrips() {
    store.put("empty", new byte[0]);

    assertThat(store.get("empty")).isEmpty();
    assertThat(store.stat("empty")).map(ObjectInfo::size).contains(0L);
    assertThat(store.getRange("empty", 0, 10)).isEmpty();
    assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("empty");
  }

  @Test
  void largeObjectRoundTrips() {
    byte[] data = randomBytes(6 * 1024 * 1024 + 17, 42);

    store.put("big/segment.seg", data);

    assertThat(store.get("big/segment.seg")).isEqualTo(data);
    assertThat(store.getRange("big/segment.seg", 5_000_000, 100))
        .isEqualTo(Arrays.copyOfRange(data, 5_000_000, 5_000_100));
  }

  @Test
  void storedObjectIsIndependentOfCallersArrays() {
    byte[] written = bytes("original");
    store.put("k", written);
    written[0] = 'X';

    byte[] read = store.get("k");
    read[1] = 'Y';

    assertThat(store.get("k")).isEqualTo(bytes("original"));
  }

  @Test
  void rangedGetReturnsRequestedSlice() {
    store.put("k", bytes("0123456789"));

    assertThat(store.getRange("k", 2, 4)).isEqualTo(bytes("2345"));
    assertThat(store.getRange("k", 0, 10)).isEqualTo(bytes("0123456789"));
    assertThat(store.getRange("k", 9, 1)).isEqualTo(bytes("9"));
  }

  @Test
  void rangedGetPastEndIsShort() {
    store.put("k", bytes("0123456789"));

    assertThat(store.getRange("k", 7, 100)).isEqualTo(bytes("789"));
    assertThat(store.getRange("k", 0, Integer.MAX_VALUE)).isEqualTo(bytes("0123456789"));
  }

  @Test
  void rangedGetAtOrPastEndIsEmpty() {
    store.put("k", bytes("0123456789"));

    assertThat(store.getRange("k", 10, 5)).isEmpty();
    assertThat(store.getRange("k", 1_000_000, 5)).isEmpty();
  }

  @Test
  void rangedGetOfZeroLengthIsEmpty() {
    store.put("k", bytes("0123456789"));

    assertThat(store.getRange("k", 3, 0)).isEmpty();
  }

  @Test
  void rangedGetOfMissingKeyThrowsNotFound() {
    assertThatThrownBy(() -> store.getRange("missing/k", 0, 10))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessage("Object not found: missing/k");
    assertThatThrownBy(() -> store.getRange("missing/k", 0, 0))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessage("Object not found: missing/k");
  }

  @Test
  void rangedGetRejectsNegativeOffsetOrLength() {
    store.put("k", bytes("0123456789"));

    assertThatThrownBy(() -> store.getRange("k", -1, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read range of k: offset -1 and length 4");
    assertThatThrownBy(() -> store.getRange("k", 0, -4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read range of k: offset 0 and length -4");
  }

  @Test
  void statOfMissingKeyIsEmpty() {
    assertThat(store.stat("missing/k")).isEmpty();
  }

  @Test
  void statReportsSizeAndModificationTime() {
    // Some backends keep whole seconds (S3's Last-Modified).
    long before = System.currentTimeMillis() - 2_000;
    store.put("acme/x/manifests/00000001", bytes("manifest"));
    long after = System.currentTimeMillis() + 2_000;

    Optional<ObjectInfo> info = store.stat("acme/x/manifests/00000001");

    assertThat(info).isPresent();
    assertThat(info.get().key()).isEqualTo("acme/x/manifests/00000001");
    assertThat(info.get().size()).isEqualTo(8);
    assertThat(info.get().lastModifiedMillis()).isBetween(before, after);
  }

  @Test
  void listReturnsKeysUnderPrefixInOrder() {
    for (String key :
        List.of(
            "acme/x/wal/0003.wal",
            "acme/x/wal/0001.wal",
            "acme/x/segments/s1.seg",
            "acme/x/wal/0002.wal",
            "acme/y/wal/0001.wal",
            "acme/xy/wal/0001.wal",
            "other/z")) {
      store.put(key, bytes(key));
    }

    assertThat(store.list("acme/x/wal/"))
        .extracting(ObjectInfo::key)
        .containsExactly("acme/x/wal/0001.wal", "acme/x/wal/0002.wal", "acme/x/wal/0003.wal");
    assertThat(store.list("acme/x/"))
        .extracting(ObjectInfo::key)
        .containsExactly(
            "acme/x/segments/s1.seg",
            "acme/x/wal/0001.wal",
            "acme/x/wal/0002.wal",
            "acme/x/wal/0003.wal");
    assertThat(store.list("acme/x"))
        .extracting(ObjectInfo::key)
        .containsExactly(
            "acme/x/segments/s1.seg",
            "acme/x/wal/0001.wal",
            "acme/x/wal/0002.wal",
            "acme/x/wal/0003.wal",
            "acme/xy/wal/0001.wal");
  }

  @Test
  void listMatchesPrefixesThatEndInsideAName() {
    for (String key : List.of("ns/wal/0001", "ns/wal/0002", "ns/wal/1000", "ns/walrus/0001")) {
      store.put(key, bytes(key));
    }

    assertThat(store.list("ns/wal/00"))
        .extracting(ObjectInfo::key)
        .containsExactly("ns/wal/0001", "ns/wal/0002");
    assertThat(store.list("ns/wal"))
        .extracting(ObjectInfo::key)
        .containsExactly("ns/wal/0001", "ns/wal/0002", "ns/wal/1000", "ns/walrus/0001");
    assertThat(store.list("ns/wal/0001"))
        .extracting(ObjectInfo::key)
        .containsExactly("ns/wal/0001");
  }

  @Test
  void listOrdersKeysAsStringsAcrossFolders() {
    // '-' < '.' < '/' < '0': a folder walk would put "a/b" first.
    for (String key : List.of("a/b", "a-b", "a.b", "a0", "a/a/z")) {
      store.put(key, bytes(key));
    }

    assertThat(store.list(""))
        .extracting(ObjectInfo::key)
        .containsExactly("a-b", "a.b", "a/a/z", "a/b", "a0");
  }

  @Test
  void listReportsSizesAndTimes() {
    long before = System.currentTimeMillis() - 2_000;
    store.put("p/one", bytes("1"));
    store.put("p/three", bytes("333"));

    List<ObjectInfo> listed = store.list("p/");

    assertThat(listed).extracting(ObjectInfo::size).containsExactly(1L, 3L);
    assertThat(listed)
        .allSatisfy(info -> assertThat(info.lastModifiedMillis()).isGreaterThanOrEqualTo(before));
  }

  @Test
  void listOfUnknownPrefixIsEmpty() {
    store.put("acme/x/wal/0001.wal", bytes("x"));

    assertThat(store.list("nobody/")).isEmpty();
    assertThat(store.list("acme/x/wal/0001.wal/")).isEmpty();
    assertThat(store.list("acme/x/wal/9")).isEmpty();
  }

  @Test
  void listOfEmptyStoreIsEmpty() {
    assertThat(store.list("")).isEmpty();
  }

  @Test
  void deleteRemovesObject() {
    store.put("acme/x/wal/0001.wal", bytes("x"));
    store.put("acme/x/wal/0002.wal", bytes("y"));

    store.delete("acme/x/wal/0001.wal");

    assertThat(store.stat("acme/x/wal/0001.wal")).isEmpty();
    assertThatThrownBy(() -> store.get("acme/x/wal/0001.wal"))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessage("Object not found: acme/x/wal/0001.wal");
    assertThat(store.list("acme/"))
        .extracting(ObjectInfo::key)
        .containsExactly("acme/x/wal/0002.wal");
  }

  @Test
  void deleteOfMissingKeyIsNoOp() {
    store.put("acme/x/wal/0001.wal", bytes("x"));

    store.delete("acme/x/wal/0009.wal");
    store.delete("nobody/here");
    store.delete("acme/x");

    assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("acme/x/wal/0001.wal");
  }

  @Test
  void keyCanBeWrittenAgainAfterItsFolderIsEmptied() {
    store.put("acme/x/wal/0001.wal", bytes("x"));
    store.delete("acme/x/wal/0001.wal");

    store.put("acme/x/wal/0002.wal", bytes("y"));

    assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("acme/x/wal/0002.wal");
  }

  @Test
  void putIfAbsentCreatesMissingObject() {
    assertThat(store.putIfAbsent("acme/x/manifests/00000001", bytes("v1"))).isTrue();

    assertThat(store.get("acme/x/manifests/00000001")).isEqualTo(bytes("v1"));
  }

  @Test
  void putIfAbsentDoesNotOverwrite() {
    assertThat(store.putIfAbsent("acme/x/manifests/00000001", bytes("first"))).isTrue();

    assertThat(store.putIfAbsent("acme/x/manifests/00000001", bytes("second"))).isFalse();

    assertThat(store.get("acme/x/manifests/00000001")).isEqualTo(bytes("first"));
  }

  @Test
  void putIfAbsentDoesNotOverwriteAPlainPut() {
    store.put("k", bytes("put"));

    assertThat(store.putIfAbsent("k", bytes("conditional"))).isFalse();

    assertThat(store.get("k")).isEqualTo(bytes("put"));
  }

  @Test
  void putIfAbsentCreatesAgainAfterDelete() {
    assertThat(store.putIfAbsent("k", bytes("first"))).isTrue();
    store.delete("k");

    assertThat(store.putIfAbsent("k", bytes("second"))).isTrue();

    assertThat(store.get("k")).isEqualTo(bytes("second"));
  }

  @Test
  void putIfAbsentOfEmptyObjectWorks() {
    assertThat(store.putIfAbsent("empty", new byte[0])).isTrue();
    assertThat(store.putIfAbsent("empty", bytes("x"))).isFalse();

    assertThat(store.get("empty")).isEmpty();
  }

  @Test
  void putIfAbsentRaceHasExactlyOneWinner() throws Exception {
    int threads = raceThreads();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < raceRounds(); round++) {
        String key = "race/manifests/" + round;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          byte[] payload = bytes("writer-" + t + "-round-" + round);
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return store.putIfAbsent(key, payload);
                  }));
        }
        start.countDown();
        List<Integer> winners = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          if (results.get(t).get(30, TimeUnit.SECONDS)) {
            winners.add(t);
          }
        }

        assertThat(winners).as("winners of round %d", round).hasSize(1);
        assertThat(store.get(key)).isEqualTo(bytes("writer-" + winners.get(0) + "-round-" + round));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void readersNeverSeePartialObjectsWhileWritersReplaceThem() throws Exception {
    int size = 256 * 1024;
    int writers = 3;
    int readers = 2;
    store.put("hot/k", filled(size, 0));
    CountDownLatch readersStarted = new CountDownLatch(readers);
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
    try {
      List<Future<Integer>> reads = new ArrayList<>();
      for (int r = 0; r < readers; r++) {
        reads.add(
            pool.submit(
                () -> {
                  int seen = 0;
                  do {
                    byte[] read = store.get("hot/k");
                    assertThat(read).hasSize(size);
                    for (byte b : read) {
                      if (b != read[0]) {
                        throw new AssertionError("read a mix of two objects");
                      }
                    }
                    if (seen++ == 0) {
                      readersStarted.countDown();
                    }
                  } while (writing.get());
                  return seen;
                }));
      }
      readersStarted.await(30, TimeUnit.SECONDS);
      List<Future<?>> writes = new ArrayList<>();
      for (int w = 1; w <= writers; w++) {
        byte fill = (byte) w;
        writes.add(
            pool.submit(
                (Callable<Void>)
                    () -> {
                      for (int i = 0; i < 15; i++) {
                        store.put("hot/k", filled(size, fill));
                      }
                      return null;
                    }));
      }
      for (Future<?> write : writes) {
        write.get(30, TimeUnit.SECONDS);
      }
      writing.set(false);
      for (Future<Integer> read : reads) {
        assertThat(read.get(30, TimeUnit.SECONDS)).isPositive();
      }
      assertThat(store.get("hot/k")[0]).isBetween((byte) 1, (byte) writers);
    } finally {
      writing.set(false);
      pool.shutdownNow();
    }
  }

  @Test
  void invalidKeysAreRejected() {
    for (String key :
        List.of(
            "",
            "/abs",
            "a//b",
            "a/",
            "../escape",
            "a/../../b",
            "a/./b",
            ".hidden",
            "a/.tmp",
            "sp ace",
            "back\\slash",
            "ü")) {
      String problem = key.isEmpty() ? "Invalid object key: empty" : "Invalid object key: ";
      assertThatThrownBy(() -> store.get(key), key)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(problem);
      assertThatThrownBy(() -> store.getRange(key, 0, 1), key)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(problem);
      assertThatThrownBy(() -> store.stat(key), key)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(problem);
      assertThatThrownBy(() -> store.put(key, bytes("x")), key)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(problem);
      assertThatThrownBy(() -> store.putIfAbsent(key, bytes("x")), key)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(problem);
      assertThatThrownBy(() -> store.delete(key), key)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(problem);
    }
    assertThatThrownBy(() -> store.get("a/../../b"))
        .hasMessage("Invalid object key: segment starts with '.': a/../../b");
    assertThatThrownBy(() -> store.put("sp ace", bytes("x")))
        .hasMessage("Invalid object key: character ' ' not allowed: sp ace");
    assertThatThrownBy(() -> store.list("../"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid object key: segment starts with '.': ..");
    assertThatThrownBy(() -> store.list(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid object key prefix: null");
    assertThat(store.list("")).isEmpty();
  }

  @Test
  void longestValidKeyRoundTrips() {
    // Segments stay short: file systems limit a name to 255 bytes.
    StringBuilder key = new StringBuilder();
    while (key.length() < ObjectKeys.MAX_KEY_LENGTH - 100) {
      key.append("segment-" + key.length() + "/");
    }
    key.append("x".repeat(ObjectKeys.MAX_KEY_LENGTH - key.length()));
    String longest = key.toString();

    store.put(longest, bytes("deep"));

    assertThat(store.get(longest)).isEqualTo(bytes("deep"));
    assertThat(store.list("segment-0/segment-10/"))
        .extracting(ObjectInfo::key)
        .containsExactly(longest);
    assertThatThrownBy(() -> store.put(longest + "y", bytes("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid object key: longer than 768 characters: ");
  }

  @Test
  void describeNamesTheStore() {
    assertThat(store.describe()).isNotBlank();
  }

  protected static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  protected static byte[] randomBytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  private static byte[] filled(int size, int value) {
    byte[] data = new byte[size];
    Arrays.fill(data, (byte) value);
    return data;
  }
}
