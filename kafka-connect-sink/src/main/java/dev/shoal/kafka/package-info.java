/**
 * The Shoal Kafka Connect sink: {@link dev.shoal.kafka.ShoalSinkConnector} (the class users
 * configure), {@link dev.shoal.kafka.ShoalSinkTask}, and {@link dev.shoal.kafka.ShoalSinkConfig}
 * (every {@code shoal.*} key). Records are mapped in {@code mapping}, written in {@code write}.
 */
package dev.shoal.kafka;
