/**
 * Object stores: the durable medium under every namespace.
 *
 * <p>Start with {@link dev.shoal.engine.storage.ObjectStore}, whose javadoc is the contract every
 * backend keeps (atomic visibility, read-after-write, linearizable create-if-absent). Backends: the
 * local filesystem (the default), S3 and S3-compatible servers through AWS SDK v2, and an in-memory
 * store for tests. {@link dev.shoal.engine.storage.ObjectStores} opens one from a URI.
 */
package dev.shoal.engine.storage;
