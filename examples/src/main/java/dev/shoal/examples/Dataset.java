package dev.shoal.examples;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.model.Document;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A generated, reproducible dataset of articles about data infrastructure: a title, a body,
 * attributes (language, year, price, tags) and, in {@link #document}, an embedding of the title and
 * body. Article {@code i} of a seed is always the same, so every example and test can regenerate
 * exactly what it wrote.
 */
public final class Dataset {
  /** The seed every example uses unless told otherwise. */
  public static final long DEFAULT_SEED = 42;

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

  /**
   * An article before it is embedded.
   *
   * @param id {@code doc-000017} for article 17
   * @param tags the article's two topics (may be equal)
   */
  public record Article(
      String id,
      String title,
      String body,
      String lang,
      int year,
      double price,
      List<String> tags) {
    public Article {
      requireNonNull(id, "id is null");
      requireNonNull(title, "title is null");
      requireNonNull(body, "body is null");
      requireNonNull(lang, "lang is null");
      tags = List.copyOf(requireNonNull(tags, "tags is null"));
    }

    /** The text the examples embed: title and body. */
    public String text() {
      return title + " " + body;
    }

    /** The attributes, in a stable order: lang, year, price, tags. */
    public Map<String, Object> attributes() {
      Map<String, Object> attrs = new LinkedHashMap<>();
      attrs.put("lang", lang);
      attrs.put("year", year);
      attrs.put("price", price);
      attrs.put("tags", tags);
      return attrs;
    }

    /** The Shoal document of this article with the given embedding. */
    public Document toDocument(float[] vector) {
      return new Document(id, vector, null, Map.of("title", title, "body", body), attributes());
    }
  }

  /** Article number {@code i} of the dataset (the same for a given seed and index). */
  public static Article article(long seed, int i) {
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
    return new Article(
        id(i),
        title,
        body,
        LANGS[r.nextInt(LANGS.length)],
        2018 + r.nextInt(8),
        Math.round(r.nextDouble() * 5000) / 100.0,
        List.of(topic, other));
  }

  /** Article number {@code i} as a document, embedded with {@link Embeddings#embed}. */
  public static Document document(long seed, int i) {
    Article a = article(seed, i);
    return a.toDocument(Embeddings.embed(a.text()));
  }

  /** The id of article {@code i}: {@code doc-000017}. */
  public static String id(int i) {
    return String.format("doc-%06d", i);
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
