/**
 * Cache tiers between queries and object storage: {@link dev.shoal.engine.cache.MemoryCache} holds
 * decoded objects and namespace snapshots, weighed in bytes. Immutable objects are cached by key,
 * so a new manifest version reuses everything an older one already loaded.
 */
package dev.shoal.engine.cache;
