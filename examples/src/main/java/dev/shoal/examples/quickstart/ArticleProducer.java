package dev.shoal.examples.quickstart;

import dev.shoal.examples.Dataset;
import dev.shoal.examples.Embeddings;
import dev.shoal.examples.Progress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces the generated articles to a topic as a client application would: the key is the document
 * id, the value a JSON object with the text fields, the attributes and the embedding ({@code
 * "vector"}), computed here with {@link Embeddings}.
 */
final class ArticleProducer {
  private ArticleProducer() {}

  /** The record value of an article: what the connector maps into a document. */
  static Map<String, Object> value(Dataset.Article a) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("title", a.title());
    v.put("body", a.body());
    v.putAll(a.attributes());
    v.put("vector", Embeddings.embed(a.text()));
    return v;
  }

  /** Sends articles 0 to {@code count - 1} and waits until Kafka acknowledged them all. */
  static void produce(String bootstrapServers, String topic, int count, Progress progress)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < count && failure.get() == null; i++) {
        Dataset.Article a = Dataset.article(Dataset.DEFAULT_SEED, i);
        producer.send(
            new ProducerRecord<>(topic, a.id(), JsonHttp.toJson(value(a))),
            (metadata, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              } else {
                acked.incrementAndGet();
              }
            });
        progress.update(acked.get());
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException(
          "Cannot produce the articles to " + topic + ": " + failure.get().getMessage(),
          failure.get());
    }
    progress.update(acked.get());
    progress.finish();
  }
}
