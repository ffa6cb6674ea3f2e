package dev.shoal.engine;

/** The document does not exist in the namespace. */
public class DocumentNotFoundException extends ShoalException {
  private static final long serialVersionUID = 1L;

  public DocumentNotFoundException(String namespace, String id) {
    super(
        ErrorKind.NOT_FOUND,
        "Cannot find document " + id + " in namespace " + namespace + ": it does not exist");
  }
}
