package dev.shoal.engine.index.text;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a text field is analyzed; stored per namespace and field in the manifest, because the same
 * options must be used when a segment is indexed and when a query is analyzed.
 *
 * <p>Serializes as a small JSON-friendly map ({@link #toMap}, {@link #fromMap}): {@code
 * {"stop_words":"none"|"english","stemming":"none"|"porter"}}. Jackson can also map the record
 * directly (enum names). Both default to {@code none}.
 *
 * @param stopWords which stop words are dropped
 * @param stemming which stemmer reduces words to their stems
 */
public record TextAnalyzerOptions(StopWords stopWords, Stemming stemming) {

  /** No stop words, no stemming: Unicode words, lower-cased. */
  public static final TextAnalyzerOptions DEFAULT =
      new TextAnalyzerOptions(StopWords.NONE, Stemming.NONE);

  /** English stop words and the Porter stemmer. */
  public static final TextAnalyzerOptions ENGLISH =
      new TextAnalyzerOptions(StopWords.ENGLISH, Stemming.PORTER);

  /** Stop-word lists. */
  public enum StopWords {
    NONE,
    /** The 33 English stop words Lucene's English analyzer also uses ("a", "the", ...). */
    ENGLISH
  }

  /** Stemmers. */
  public enum Stemming {
    NONE,
    /** The Porter (1980) English stemmer, as in its author's reference implementation. */
    PORTER
  }

  public TextAnalyzerOptions {
    requireNonNull(stopWords, "stopWords is null");
    requireNonNull(stemming, "stemming is null");
  }

  /** The options as a map for the manifest: {@code {"stop_words":"english","stemming":"none"}}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stop_words", stopWords.name().toLowerCase(Locale.ROOT));
    m.put("stemming", stemming.name().toLowerCase(Locale.ROOT));
    return m;
  }

  /**
   * Reads options written by {@link #toMap}; missing keys take their defaults, unknown keys and
   * values are rejected.
   *
   * @throws IllegalArgumentException naming the offending key or value
   */
  public static TextAnalyzerOptions fromMap(Map<String, ?> map) {
    if (map == null) {
      return DEFAULT;
    }
    StopWords stop = StopWords.NONE;
    Stemming stem = Stemming.NONE;
    for (Map.Entry<String, ?> e : map.entrySet()) {
      switch (e.getKey()) {
        case "stop_words" -> stop = parse(StopWords.class, e.getKey(), e.getValue());
        case "stemming" -> stem = parse(Stemming.class, e.getKey(), e.getValue());
        default ->
            throw new IllegalArgumentException(
                "Cannot read text analyzer options: unknown key \""
                    + e.getKey()
                    + "\" (known: stop_words, stemming)");
      }
    }
    return new TextAnalyzerOptions(stop, stem);
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String key, Object value) {
    if (value instanceof String s) {
      for (E c : type.getEnumConstants()) {
        if (c.name().equalsIgnoreCase(s)) {
          return c;
        }
      }
    }
    StringBuilder known = new StringBuilder();
    for (E c : type.getEnumConstants()) {
      known.append(known.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
    }
    throw new IllegalArgumentException(
        "Cannot read text analyzer options: \""
            + key
            + "\" is "
            + value
            + ", expected one of "
            + known);
  }
}
