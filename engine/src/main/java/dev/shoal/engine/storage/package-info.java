/**
 * Object stores: the durable medium under every namespace.
 *
 * <p>Start with {@link dev.shoal.engine.storage.ObjectStore}, whose javadoc is the contract every
 * backend keeps (atomic visibility, read-after-write, linearizable create-if-absent, errors that
 * say whether a retry may help). {@link dev.shoal.engine.storage.ObjectStores} opens a store from a
 * URI or {@link dev.shoal.engine.storage.StoreOptions}. Backends:
 *
 * <ul>
 *   <li>{@link dev.shoal.engine.storage.LocalFileStore}, a local folder (the default): atomic
 *       rename for put, hard link for put-if-absent;
 *   <li>{@link dev.shoal.engine.storage.S3ObjectStore}, S3 and S3-compatible servers through AWS
 *       SDK v2: {@code If-None-Match: *} for put-if-absent, checked at start-up;
 *   <li>{@link dev.shoal.engine.storage.InMemoryObjectStore}, the heap, for tests.
 * </ul>
 *
 * <p>{@link dev.shoal.engine.storage.ObjectKeys} holds the key rules shared by all of them; a key
 * never escapes a backend's root. Every backend passes the same contract test suite ({@code
 * ObjectStoreContractTest} in the engine's test jar).
 */
package dev.shoal.engine.storage;
