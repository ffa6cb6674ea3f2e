package dev.shoal.engine.storage;

/** There is no object at the key. */
public class ObjectNotFoundException extends StorageException {
  private static final long serialVersionUID = 1L;

  private final String key;

  public ObjectNotFoundException(String key) {
    super("Object not found: " + key, false, null);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
