/**
 * From Kafka records to Shoal operations: {@link dev.shoal.kafka.mapping.RecordMapper} (start here)
 * reads values (Struct, Map, JSON), ids, vectors, text and attributes, Debezium envelopes, and the
 * {@link dev.shoal.kafka.mapping.NamespaceTemplate} routing; what cannot be stored is a {@link
 * dev.shoal.kafka.mapping.RejectedRecordException} naming the record.
 */
package dev.shoal.kafka.mapping;
