/**
 * Manifests: the versioned JSON description of a namespace (its WAL batches, segments, writer
 * positions and settings) and the protocol that commits them.
 *
 * <p>Start with {@link dev.shoal.engine.manifest.ManifestStore}: committing is creating the next
 * version with put-if-absent, so any number of engines in any number of processes can write one
 * namespace. {@link dev.shoal.engine.manifest.Manifest} is the format; {@link
 * dev.shoal.engine.manifest.NamespaceLayout} says where objects live.
 */
package dev.shoal.engine.manifest;
