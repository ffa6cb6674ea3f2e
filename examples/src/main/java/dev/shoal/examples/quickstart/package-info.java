/**
 * The quickstart: a Kafka broker and a Kafka Connect worker with the Shoal sink in one JVM, a
 * producer of generated articles, the query server and queries over its REST API. Start at {@link
 * dev.shoal.examples.quickstart.Quickstart}; {@link dev.shoal.examples.quickstart.LocalKafka} and
 * {@link dev.shoal.examples.quickstart.LocalConnect} start the Kafka parts, {@link
 * dev.shoal.examples.quickstart.QueryShowcase} holds the queries it shows.
 */
package dev.shoal.examples.quickstart;
