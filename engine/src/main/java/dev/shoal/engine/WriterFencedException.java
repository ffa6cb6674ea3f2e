package dev.shoal.engine;

/**
 * A write carried a writer epoch older than the stored one: a newer instance of the writer (after a
 * rebalance or restart) has claimed it. The write was refused; this instance must stop writing.
 */
public class WriterFencedException extends ShoalException {
  private static final long serialVersionUID = 1L;

  public WriterFencedException(String namespace, String writerId, long epoch, long currentEpoch) {
    super(
        ErrorKind.WRITER_FENCED,
        "Cannot write to "
            + namespace
            + ": writer "
            + writerId
            + " has epoch "
            + epoch
            + " but epoch "
            + currentEpoch
            + " claimed it since (this instance is a zombie and must stop)");
  }
}
