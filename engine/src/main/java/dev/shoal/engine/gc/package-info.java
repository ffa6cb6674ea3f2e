/**
 * Garbage collection of immutable objects shared between namespaces.
 *
 * <p>Every mutation follows the leak-only order: write new objects, record sharing ({@link
 * dev.shoal.engine.gc.Reclaimer#share}), commit the manifest, drop references ({@link
 * dev.shoal.engine.gc.Reclaimer#release}), delete what nobody references. A crash can therefore
 * only leak objects, which {@link dev.shoal.engine.gc.Repair} finds and sweeps. The table of shared
 * objects ({@link dev.shoal.engine.gc.RefTable}) is committed like manifests, with put-if-absent
 * versions.
 */
package dev.shoal.engine.gc;
