package dev.shoal.engine.index.vector;

/** How an {@link IvfIndexWriter} encodes vectors for the scan of probed clusters. */
public enum Quantization {
  /**
   * No codes: probed clusters are scored with the full-precision vectors (IVF-flat). Also what a
   * flat index (a segment too small for clusters) uses.
   */
  NONE(0),
  /**
   * One bit per dimension of the residual to the cluster centroid, plus four floats per vector,
   * scanned against a 4-bit quantized query with popcounts (the RaBitQ estimator); the best
   * estimates are re-scored with the full-precision vectors. About 1/32 of the vector bytes.
   */
  BINARY(1);

  private final int code;

  Quantization(int code) {
    this.code = code;
  }

  int code() {
    return code;
  }

  static Quantization fromCode(int code) {
    for (Quantization q : values()) {
      if (q.code == code) {
        return q;
      }
    }
    return null;
  }
}
