package dev.shoal.engine;

/** The namespace does not exist (or was deleted). */
public class NamespaceNotFoundException extends ShoalException {
  private static final long serialVersionUID = 1L;

  public NamespaceNotFoundException(String namespace) {
    super(ErrorKind.NOT_FOUND, "Cannot find namespace " + namespace + ": it does not exist");
  }
}
