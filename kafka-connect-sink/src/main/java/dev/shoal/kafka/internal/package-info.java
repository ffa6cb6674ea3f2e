/**
 * Helpers of the sink that are not part of its API: opening and probing the object store, the
 * plugin version. Nothing here is stable.
 */
package dev.shoal.kafka.internal;
