package dev.shoal.engine;

import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.Document;
import dev.shoal.engine.model.DocumentPatch;
import dev.shoal.engine.query.Filter;
import java.util.ArrayList;
import java.util.List;

/**
 * One atomic write: applied as a single batch in the order upserts, patches, deletes, then
 * delete-by-filter (resolved against the version the write commits on top of).
 *
 * @param upserts documents to create or replace
 * @param patches partial updates (see {@link DocumentPatch})
 * @param deletes ids to remove
 * @param deleteByFilter remove every document matching it, or null
 * @param ifVersion apply only if the namespace is at exactly this manifest version, or null
 * @param idempotencyKey a client key: re-sending the same key returns the first result, or null
 * @param writerPosition exactly-once coordinates of a sink, or null
 * @param createIfMissing create the namespace if it does not exist
 * @param distanceMetric the metric for a namespace this write creates; if set, it must match an
 *     existing namespace's metric
 */
public record WriteRequest(
    List<Document> upserts,
    List<DocumentPatch> patches,
    List<String> deletes,
    Filter deleteByFilter,
    Long ifVersion,
    String idempotencyKey,
    WriterPosition writerPosition,
    boolean createIfMissing,
    DistanceMetric distanceMetric) {

  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 256;

  public WriteRequest {
    upserts = upserts == null ? List.of() : List.copyOf(upserts);
    patches = patches == null ? List.of() : List.copyOf(patches);
    deletes = deletes == null ? List.of() : List.copyOf(deletes);
    for (String id : deletes) {
      Document.validateId(id);
    }
    if (idempotencyKey != null
        && (idempotencyKey.isEmpty() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH)) {
      throw new InvalidRequestException(
          "Invalid idempotency_key: must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " characters");
    }
    if (ifVersion != null && ifVersion < 0) {
      throw new InvalidRequestException("Invalid if_version: " + ifVersion + " is negative");
    }
    if (upserts.isEmpty()
        && patches.isEmpty()
        && deletes.isEmpty()
        && deleteByFilter == null
        && writerPosition == null) {
      throw new InvalidRequestException(
          "Invalid write: it has no upserts, patches, deletes or delete_by_filter");
    }
  }

  /** Upserts with default options. */
  public static WriteRequest upsert(List<Document> documents) {
    return builder().upserts(documents).build();
  }

  /** Deletes by id with default options. */
  public static WriteRequest delete(List<String> ids) {
    return builder().deletes(ids).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Records this request names explicitly (delete-by-filter matches are not counted here). */
  public int explicitRecords() {
    return upserts.size() + patches.size() + deletes.size();
  }

  /** Builds a {@link WriteRequest}; lists may be given whole or added to one by one. */
  public static final class Builder {
    private final List<Document> upserts = new ArrayList<>();
    private final List<DocumentPatch> patches = new ArrayList<>();
    private final List<String> deletes = new ArrayList<>();
    private Filter deleteByFilter;
    private Long ifVersion;
    private String idempotencyKey;
    private WriterPosition writerPosition;
    private boolean createIfMissing = true;
    private DistanceMetric distanceMetric;

    private Builder() {}

    public Builder upserts(List<Document> documents) {
      upserts.addAll(documents);
      return this;
    }

    public Builder upsert(Document document) {
      upserts.add(document);
      return this;
    }

    public Builder patches(List<DocumentPatch> values) {
      patches.addAll(values);
      return this;
    }

    public Builder patch(DocumentPatch patch) {
      patches.add(patch);
      return this;
    }

    public Builder deletes(List<String> ids) {
      deletes.addAll(ids);
      return this;
    }

    public Builder delete(String id) {
      deletes.add(id);
      return this;
    }

    public Builder deleteByFilter(Filter filter) {
      deleteByFilter = filter;
      return this;
    }

    public Builder ifVersion(Long version) {
      ifVersion = version;
      return this;
    }

    public Builder idempotencyKey(String key) {
      idempotencyKey = key;
      return this;
    }

    public Builder writerPosition(WriterPosition position) {
      writerPosition = position;
      return this;
    }

    public Builder createIfMissing(boolean create) {
      createIfMissing = create;
      return this;
    }

    public Builder distanceMetric(DistanceMetric metric) {
      distanceMetric = metric;
      return this;
    }

    public WriteRequest build() {
      return new WriteRequest(
          upserts,
          patches,
          deletes,
          deleteByFilter,
          ifVersion,
          idempotencyKey,
          writerPosition,
          createIfMissing,
          distanceMetric);
    }
  }
}
