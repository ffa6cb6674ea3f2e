/**
 * Helpers of the sink, not part of its API: the checked settings shipped to the task managers
 * ({@link dev.shoal.flink.internal.SinkSettings}), opening stores from URIs ({@link
 * dev.shoal.flink.internal.StoreUri}) and retrying with back-off ({@link
 * dev.shoal.flink.internal.Retrier}).
 */
package dev.shoal.flink.internal;
