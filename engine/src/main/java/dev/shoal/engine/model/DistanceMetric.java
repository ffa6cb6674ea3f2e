package dev.shoal.engine.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How dense vectors are compared. Fixed when a namespace is created. Query scores are similarities
 * where higher is better for every metric: cosine similarity, negative squared euclidean distance,
 * and the dot product.
 */
public enum DistanceMetric {
  COSINE,
  EUCLIDEAN,
  DOT;

  /** The name used in JSON and configuration: {@code cosine}, {@code euclidean}, {@code dot}. */
  @JsonValue
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a metric name, case-insensitively; {@code euclidean_squared} and {@code l2} are accepted
   * for euclidean, {@code dot_product} for dot.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  @JsonCreator
  public static DistanceMetric parse(String name) {
    if (name != null) {
      switch (name.toLowerCase(Locale.ROOT)) {
        case "cosine", "cosine_distance":
          return COSINE;
        case "euclidean", "euclidean_squared", "l2":
          return EUCLIDEAN;
        case "dot", "dot_product":
          return DOT;
        default:
          break;
      }
    }
    throw new IllegalArgumentException(
        "Unknown distance metric " + name + ": expected cosine, euclidean or dot");
  }
}
