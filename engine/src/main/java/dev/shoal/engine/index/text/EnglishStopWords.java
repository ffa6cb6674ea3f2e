package dev.shoal.engine.index.text;

import java.util.Set;

/**
 * The English stop words of Lucene's {@code EnglishAnalyzer}: short, common and uncontroversial.
 */
final class EnglishStopWords {
  static final Set<String> WORDS =
      Set.of(
          "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is",
          "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
          "these", "they", "this", "to", "was", "will", "with");

  private EnglishStopWords() {}

  static boolean contains(String lowerCaseWord) {
    return WORDS.contains(lowerCaseWord);
  }
}
