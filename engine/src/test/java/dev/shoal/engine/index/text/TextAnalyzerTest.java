package dev.shoal.engine.index.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TextAnalyzerTest {
  private static final TextAnalyzer PLAIN = TextAnalyzer.of(TextAnalyzerOptions.DEFAULT);
  private static final TextAnalyzer ENGLISH = TextAnalyzer.of(TextAnalyzerOptions.ENGLISH);

  private static List<String> plain(String text) {
    return PLAIN.analyze(text);
  }

  @Test
  void splitsOnSpacesAndPunctuationAndLowerCases() {
    assertThat(plain("Hello, World! Kafka->Shoal   sinks."))
        .containsExactly("hello", "world", "kafka", "shoal", "sinks");
    assertThat(plain("")).isEmpty();
    assertThat(plain("  ... --- !!! ")).isEmpty();
  }

  @Test
  void keepsAccentsAndNormalizesTheirEncoding() {
    assertThat(plain("Café CAFÉ naïve Ærøskøbing"))
        .containsExactly("café", "café", "naïve", "ærøskøbing");
    // A decomposed é (e + combining acute) is the same term as the precomposed one.
    assertThat(plain("Cafe\u0301")).containsExactly("café");
    // Full-width letters and ligatures take their usual forms.
    assertThat(plain("ＡＢＣ ﬁne")).containsExactly("abc", "fine");
  }

  @Test
  void lowerCasesWithFullUnicodeMappings() {
    assertThat(plain("ΟΔΟΣ Straße İstanbul")).containsExactly("οδος", "straße", "i̇stanbul");
  }

  @Test
  void makesEachIdeographAndHiraganaAWordAndKeepsKatakanaTogether() {
    assertThat(plain("東京タワーへ行く")).containsExactly("東", "京", "タワー", "へ", "行", "く");
    assertThat(plain("한국어 텍스트")).containsExactly("한국어", "텍스트");
  }

  @Test
  void keepsEmojiAsWords() {
    assertThat(plain("I ❤️ pizza🍕!")).containsExactly("i", "❤", "pizza", "🍕");
    assertThat(plain("👍🏽 👨‍👩‍👧 🇫🇷🇩🇪")).containsExactly("👍🏽", "👨‍👩‍👧", "🇫🇷", "🇩🇪");
  }

  @Test
  void keepsApostrophesInsideWords() {
    assertThat(plain("Don't say 'no' — it’s rock 'n' roll"))
        .containsExactly("don't", "say", "no", "it's", "rock", "n", "roll");
  }

  @Test
  void keepsNumbersWithDecimalAndThousandsSeparators() {
    assertThat(plain("pi is 3.14, 1,000 items, v2 and 3D; 2024-01-05"))
        .containsExactly(
            "pi", "is", "3.14", "1,000", "items", "v2", "and", "3d", "2024", "01", "05");
  }

  @Test
  void splitsOnHyphensAndColonsButNotUnderscores() {
    assertThat(plain("state-of-the-art foo_bar a:b e.g. U.S.A."))
        .containsExactly("state", "of", "the", "art", "foo_bar", "a", "b", "e.g", "u.s.a");
  }

  @Test
  void dropsSoftHyphensAndOverlongWords() {
    assertThat(plain("co\u00ADoperate")).containsExactly("cooperate");
    String longWord = "x".repeat(TextAnalyzer.MAX_TOKEN_CHARS + 1);
    assertThat(plain("a " + longWord + " b")).containsExactly("a", "b");
    assertThat(plain("x".repeat(TextAnalyzer.MAX_TOKEN_CHARS))).hasSize(1);
  }

  @Test
  void removesEnglishStopWordsAndStemsWhenAsked() {
    assertThat(ENGLISH.analyze("The runners were running to the Hills, and John's dogs barked"))
        .containsExactly("runner", "were", "run", "hill", "john", "dog", "bark");
    TextAnalyzer stopOnly =
        TextAnalyzer.of(
            new TextAnalyzerOptions(
                TextAnalyzerOptions.StopWords.ENGLISH, TextAnalyzerOptions.Stemming.NONE));
    assertThat(stopOnly.analyze("The cat is on the mat")).containsExactly("cat", "mat");
    assertThat(plain("The cat is on the mat"))
        .containsExactly("the", "cat", "is", "on", "the", "mat");
  }

  @Test
  void isDeterministicAndMatchesItsStreamingForm() {
    Random random = new Random(42);
    StringBuilder sb = new StringBuilder();
    String[] pieces = {
      "Ab", "ç", " ", "-", "'", ".", "9", "東", "🍕", "\u0301", "_", "ｶ", ",", "\u200D"
    };
    for (int i = 0; i < 5000; i++) {
      sb.append(pieces[random.nextInt(pieces.length)]);
    }
    String text = sb.toString();
    List<String> first = ENGLISH.analyze(text);
    List<String> streamed = new java.util.ArrayList<>();
    ENGLISH.analyze(text, streamed::add);
    assertThat(ENGLISH.analyze(text)).isEqualTo(first);
    assertThat(streamed).isEqualTo(first);
    assertThat(first).allSatisfy(t -> assertThat(t).isNotEmpty());
  }

  @Test
  void optionsRoundTripThroughAMap() {
    assertThat(TextAnalyzerOptions.DEFAULT.toMap())
        .isEqualTo(Map.of("stop_words", "none", "stemming", "none"));
    assertThat(TextAnalyzerOptions.fromMap(TextAnalyzerOptions.ENGLISH.toMap()))
        .isEqualTo(TextAnalyzerOptions.ENGLISH);
    assertThat(TextAnalyzerOptions.fromMap(Map.of())).isEqualTo(TextAnalyzerOptions.DEFAULT);
    assertThat(TextAnalyzerOptions.fromMap(Map.of("stemming", "PORTER")).stemming())
        .isEqualTo(TextAnalyzerOptions.Stemming.PORTER);
    assertThatThrownBy(() -> TextAnalyzerOptions.fromMap(Map.of("stemmer", "porter")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read text analyzer options: unknown key \"stemmer\" (known: stop_words, stemming)");
    assertThatThrownBy(() -> TextAnalyzerOptions.fromMap(Map.of("stemming", "snowball")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read text analyzer options: \"stemming\" is snowball, expected one of none, porter");
  }
}
