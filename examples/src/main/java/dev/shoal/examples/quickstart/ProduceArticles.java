package dev.shoal.examples.quickstart;

import dev.shoal.examples.Args;
import dev.shoal.examples.Logging;
import dev.shoal.examples.Progress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Produces the quickstart's articles to a Kafka cluster of your own, for the Kafka Connect examples
 * in {@code examples/connect}: key = document id, value = JSON with the text fields, the attributes
 * and a 128-dim {@code "vector"}. Creates the topic if it does not exist.
 *
 * <pre>java -jar examples/target/shoal-examples.jar produce [--bootstrap-servers H:P]</pre>
 */
public final class ProduceArticles {
  static final String USAGE =
      """
      Usage: java -jar examples/target/shoal-examples.jar produce [options]

      Produces generated articles with embeddings to a Kafka topic (the records the quickstart
      and examples/connect use), creating the topic if it does not exist.

      Options:
        --bootstrap-servers HOST:PORT   the Kafka cluster (default localhost:9092)
        --topic NAME                    the topic (default articles)
        --docs N                        articles to produce (default 10,000)
        --partitions P                  partitions of a topic it creates (default 4)
      """;

  private ProduceArticles() {}

  public static void main(String[] args) throws Exception {
    Logging.configure(false);
    int status = run(args);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Produces; the process exit status. */
  public static int run(String... args) throws Exception {
    if (List.of(args).contains("--help")) {
      System.out.print(USAGE);
      return 0;
    }
    String bootstrap;
    String topic;
    int docs;
    int partitions;
    try {
      Args a = Args.parse(args, Set.of());
      bootstrap = a.string("bootstrap-servers", "localhost:9092");
      topic = a.string("topic", Quickstart.TOPIC);
      docs = a.integer("docs", 10_000, 1, 10_000_000);
      partitions = a.integer("partitions", 4, 1, 1000);
      a.checkAllUsed();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(USAGE);
      return 2;
    }
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      if (!admin.listTopics().names().get().contains(topic)) {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        System.out.printf(Locale.ROOT, "Created topic %s with %d partitions%n", topic, partitions);
      }
    }
    System.out.printf(Locale.ROOT, "Producing %,d articles to %s at %s%n", docs, topic, bootstrap);
    ArticleProducer.produce(
        bootstrap, topic, docs, new Progress(System.out, "  ", docs, Progress.interactive()));
    return 0;
  }
}
