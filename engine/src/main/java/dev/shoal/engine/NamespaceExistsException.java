package dev.shoal.engine;

/** A namespace with that path already exists. */
public class NamespaceExistsException extends ShoalException {
  private static final long serialVersionUID = 1L;

  public NamespaceExistsException(String namespace) {
    super(ErrorKind.ALREADY_EXISTS, "Cannot create namespace " + namespace + ": it already exists");
  }
}
