package dev.shoal.flink;

import java.io.Serializable;

/**
 * Chooses the namespace ({@code org/project/namespace}) of each record, for sinks that write
 * several namespaces. Must be serializable and deterministic: a record replayed after a failure
 * must go to the same namespace.
 *
 * @param <T> the stream's record type
 */
@FunctionalInterface
public interface NamespaceSelector<T> extends Serializable {
  String select(T record) throws Exception;
}
