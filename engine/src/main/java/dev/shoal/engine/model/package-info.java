/**
 * The document model: {@link dev.shoal.engine.model.Document} (id, dense and sparse vectors, text
 * fields, attributes), {@link dev.shoal.engine.model.DocumentPatch}, {@link
 * dev.shoal.engine.model.NamespacePath} and {@link dev.shoal.engine.model.DistanceMetric}.
 *
 * <p>Every value checks itself when constructed, so the rest of the engine never sees a NaN, an
 * empty id or an unsupported attribute type. {@link dev.shoal.engine.model.Attributes} holds the
 * rules for names and attribute values.
 */
package dev.shoal.engine.model;
