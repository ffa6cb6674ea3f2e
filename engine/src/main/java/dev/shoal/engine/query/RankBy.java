package dev.shoal.engine.query;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.SparseVector;

/** How a query orders its results: the {@code rank_by} forms of API.md. */
public sealed interface RankBy {

  /**
   * Nearest neighbours of a dense vector: {@code ["vector", "ANN", [..]]} or, with {@code exact},
   * {@code ["vector", "kNN", [..]]}.
   */
  record Vector(float[] vector, boolean exact) implements RankBy {
    public Vector {
      requireNonNull(vector, "vector is null");
      Document.validateVector(vector, null);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Vector v && exact == v.exact && java.util.Arrays.equals(vector, v.vector);
    }

    @Override
    public int hashCode() {
      return 31 * java.util.Arrays.hashCode(vector) + Boolean.hashCode(exact);
    }

    @Override
    public String toString() {
      return "Vector[" + vector.length + (exact ? ", kNN]" : ", ANN]");
    }
  }

  /** Dot product with a sparse vector: {@code ["sparse", "Dot", {...}]}. */
  record Sparse(SparseVector vector) implements RankBy {
    public Sparse {
      requireNonNull(vector, "vector is null");
    }
  }

  /**
   * BM25 over one text field, or over all of them when {@code field} is {@link #ALL_FIELDS}: {@code
   * ["body", "BM25", "query words"]}.
   */
  record Text(String field, String query) implements RankBy {
    public static final String ALL_FIELDS = "$text";

    public Text {
      requireNonNull(field, "field is null");
      requireNonNull(query, "query is null");
      if (field.isEmpty()) {
        throw new InvalidRequestException("Invalid rank_by: the text field name is empty");
      }
    }

    public boolean allFields() {
      return ALL_FIELDS.equals(field);
    }
  }

  /** Ordering by an attribute, or by {@code id}: {@code ["year", "desc"]}. */
  record Attribute(String attr, boolean descending) implements RankBy {
    public Attribute {
      requireNonNull(attr, "attr is null");
      if (attr.isEmpty()) {
        throw new InvalidRequestException("Invalid rank_by: the attribute name is empty");
      }
    }
  }
}
