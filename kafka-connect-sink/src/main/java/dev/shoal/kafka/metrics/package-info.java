/** JMX metrics of sink tasks: {@link dev.shoal.kafka.metrics.SinkTaskMetricsMBean}. */
package dev.shoal.kafka.metrics;
