package dev.shoal.engine.storage;

import java.util.List;
import java.util.Optional;

/**
 * A flat key space of immutable byte objects: the only durable medium Shoal uses.
 *
 * <p>Keys are relative, {@code /}-separated paths of characters {@code [A-Za-z0-9._/-]} (see {@link
 * ObjectKeys#validate}); a backend maps them under its own root (a folder, a bucket and prefix).
 * Objects are written whole and never modified in place by Shoal: everything mutable (manifests,
 * refcount tables) is a new object created with {@link #putIfAbsent}.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Atomic visibility.</b> A reader sees either no object or the complete bytes of one
 *       {@link #put} or {@link #putIfAbsent}, never a prefix, even if the writer crashed midway.
 *   <li><b>Read-after-write.</b> Once a write method returns, every later {@link #get}, {@link
 *       #stat} and {@link #list} in any process sees the object (and after {@link #delete} returns,
 *       does not see it).
 *   <li><b>Create-if-absent is linearizable.</b> When many callers, in any number of processes,
 *       call {@link #putIfAbsent} on one key, exactly one returns {@code true}; the others return
 *       {@code false} and the object holds the winner's bytes. A backend that cannot guarantee this
 *       must fail at construction rather than silently lose writes.
 *   <li><b>Errors.</b> A missing object is {@link ObjectNotFoundException}; any other failure is
 *       {@link StorageException}, whose {@link StorageException#isTransient()} tells whether
 *       retrying the same call may succeed. After a failed write the object may or may not exist
 *       (the outcome is unknown): callers that must know read it back.
 * </ul>
 *
 * <p>Implementations are thread-safe.
 */
public interface ObjectStore extends AutoCloseable {

  /**
   * Reads a whole object.
   *
   * @throws ObjectNotFoundException if there is no object at {@code key}
   */
  byte[] get(String key);

  /**
   * Reads {@code length} bytes starting at {@code offset}. Fewer bytes are returned only when the
   * object ends before {@code offset + length}.
   *
   * @throws ObjectNotFoundException if there is no object at {@code key}
   * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
   */
  byte[] getRange(String key, long offset, int length);

  /** Returns the size and modification time of an object, or empty if there is none. */
  Optional<ObjectInfo> stat(String key);

  /** Creates or replaces an object, atomically as seen by readers. */
  void put(String key, byte[] data);

  /**
   * Creates an object only if the key is free.
   *
   * @return {@code true} if this call created the object, {@code false} if an object was already
   *     there (it is left unchanged)
   */
  boolean putIfAbsent(String key, byte[] data);

  /** Deletes an object. Deleting a missing object is not an error. */
  void delete(String key);

  /**
   * Lists the objects whose keys start with {@code prefix}, in ascending key order. The listing
   * reflects every write that returned before the call.
   */
  List<ObjectInfo> list(String prefix);

  /** A short description for logs and errors, such as {@code file:///var/shoal}; never secrets. */
  String describe();

  /** Releases clients and file handles. The store is unusable afterwards. */
  @Override
  default void close() {}
}
