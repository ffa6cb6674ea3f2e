/**
 * Engine internals shared across packages: binary encoding primitives ({@link
 * dev.shoal.engine.internal.ByteWriter}, {@link dev.shoal.engine.internal.ByteReader}), object
 * framing with checksums, and the document codec. Not a public API.
 */
package dev.shoal.engine.internal;
