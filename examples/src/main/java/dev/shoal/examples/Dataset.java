package dev.shoal.examples;

import dev.shoal.engine.model.Document;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A generated, reproducible dataset of articles about data infrastructure: a title, a body,
 * attributes (language, year, price, tags) and an embedding of the title and body.
 */
public final class Dataset {
  private static final String[] TOPICS = {
    "kafka", "flink", "streaming", "vector search", "embeddings", "object storage", "s3",
    "compaction", "indexing", "bm25", "exactly once", "checkpoints", "connectors", "schemas",
    "latency", "throughput", "partitions", "replication", "caching", "queries"
  };
  private static final String[] VERBS = {
    "scales", "speeds up", "simplifies", "breaks", "explains", "tunes", "monitors", "secures"
  };
  private static final String[] NOUNS = {
    "pipelines", "clusters", "jobs", "namespaces", "sinks", "readers", "writers", "dashboards"
  };
  private static final String[] LANGS = {"en", "en", "en", "de", "fr"};

  private Dataset() {}

  /** Document number {@code i} of the dataset (the same for a given seed and index). */
  public static Document document(long seed, int i) {
    Random r = new Random(seed * 1_000_003L + i);
    String topic = TOPICS[zipf(r, TOPICS.length)];
    String other = TOPICS[zipf(r, TOPICS.length)];
    String title =
        capitalize(topic)
            + " "
            + VERBS[r.nextInt(VERBS.length)]
            + " "
            + NOUNS[r.nextInt(NOUNS.length)];
    String body =
        "How "
            + topic
            + " "
            + VERBS[r.nextInt(VERBS.length)]
            + " "
            + NOUNS[r.nextInt(NOUNS.length)]
            + " with "
            + other
            + ", and what "
            + TOPICS[r.nextInt(TOPICS.length)]
            + " means for "
            + NOUNS[r.nextInt(NOUNS.length)]
            + ".";
    return new Document(
        String.format("doc-%06d", i),
        Embeddings.embed(title + " " + body),
        null,
        Map.of("title", title, "body", body),
        Map.of(
            "lang",
            LANGS[r.nextInt(LANGS.length)],
            "year",
            2018 + r.nextInt(8),
            "price",
            Math.round(r.nextDouble() * 5000) / 100.0,
            "tags",
            List.of(topic, other)));
  }

  private static int zipf(Random r, int n) {
    // Rank k with probability about 1/k.
    double u = r.nextDouble() * Math.log(n + 1);
    return Math.min(n - 1, (int) Math.exp(u) - 1);
  }

  private static String capitalize(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
