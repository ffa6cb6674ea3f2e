package dev.shoal.flink;

import dev.shoal.engine.storage.ObjectStore;
import java.io.Serializable;

/**
 * Opens the object store on each task manager. The sink normally builds one from {@link
 * ShoalSinkBuilder#storeUri}; a custom factory plugs in another backend (or, in tests, a store that
 * injects faults). Shipped with the job, so it must be serializable; {@link #open()} is called once
 * per writer and per committer, and the caller closes what it returns.
 */
public interface ObjectStoreFactory extends Serializable {

  /** Opens a store; the caller owns and closes it. */
  ObjectStore open();

  /** Where the store is, for logs and errors; never contains secrets. */
  String describe();
}
