package dev.shoal.engine.testing;

import dev.shoal.engine.storage.ObjectInfo;
import dev.shoal.engine.storage.ObjectStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Wraps a store and runs an action once at a chosen call, to put another actor's step at an exact
 * point of an operation (a race made deterministic). Actions run on the calling thread.
 *
 * <p>Thread-safe: each hook fires at most once.
 */
public final class HookedObjectStore implements ObjectStore {
  /** The calls a hook can be attached to. */
  public enum Op {
    GET,
    PUT,
    PUT_IF_ABSENT,
    DELETE,
    LIST
  }

  private record Hook(
      Op op, Predicate<String> key, boolean before, Runnable action, AtomicBoolean fired) {}

  private final ObjectStore delegate;
  private final List<Hook> hooks = new CopyOnWriteArrayList<>();

  public HookedObjectStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  /**
   * Runs {@code action} before the first call of {@code op} on a key (for {@link Op#LIST}, a
   * prefix) that {@code key} accepts.
   */
  public HookedObjectStore before(Op op, Predicate<String> key, Runnable action) {
    hooks.add(new Hook(op, key, true, action, new AtomicBoolean()));
    return this;
  }

  /** Like {@link #before}, but after the call has taken effect. */
  public HookedObjectStore after(Op op, Predicate<String> key, Runnable action) {
    hooks.add(new Hook(op, key, false, action, new AtomicBoolean()));
    return this;
  }

  private void fire(Op op, String key, boolean before) {
    for (Hook h : hooks) {
      if (h.op() == op
          && h.before() == before
          && h.key().test(key)
          && h.fired().compareAndSet(false, true)) {
        h.action().run();
      }
    }
  }

  @Override
  public byte[] get(String key) {
    fire(Op.GET, key, true);
    byte[] data = delegate.get(key);
    fire(Op.GET, key, false);
    return data;
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    return delegate.getRange(key, offset, length);
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    return delegate.stat(key);
  }

  @Override
  public void put(String key, byte[] data) {
    fire(Op.PUT, key, true);
    delegate.put(key, data);
    fire(Op.PUT, key, false);
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) {
    fire(Op.PUT_IF_ABSENT, key, true);
    boolean created = delegate.putIfAbsent(key, data);
    fire(Op.PUT_IF_ABSENT, key, false);
    return created;
  }

  @Override
  public void delete(String key) {
    fire(Op.DELETE, key, true);
    delegate.delete(key);
    fire(Op.DELETE, key, false);
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    fire(Op.LIST, prefix, true);
    List<ObjectInfo> out = delegate.list(prefix);
    fire(Op.LIST, prefix, false);
    return out;
  }

  @Override
  public String describe() {
    return "hooked(" + delegate.describe() + ")";
  }
}
