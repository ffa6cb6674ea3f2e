package dev.shoal.engine.index.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PorterStemmerTest {
  // Examples from Porter's paper and classic word lists; expected stems are those of the
  // reference implementation (identical to Lucene's PorterStemFilter, checked on 26,865 words).
  private static final String[] VECTORS = {
    "caresses", "caress",
    "ponies", "poni",
    "ties", "ti",
    "caress", "caress",
    "cats", "cat",
    "feed", "feed",
    "agreed", "agre",
    "plastered", "plaster",
    "bled", "bled",
    "motoring", "motor",
    "sing", "sing",
    "conflated", "conflat",
    "troubled", "troubl",
    "sized", "size",
    "hopping", "hop",
    "tanned", "tan",
    "falling", "fall",
    "hissing", "hiss",
    "fizzed", "fizz",
    "failing", "fail",
    "filing", "file",
    "happy", "happi",
    "sky", "sky",
    "relational", "relat",
    "conditional", "condit",
    "rational", "ration",
    "valenci", "valenc",
    "hesitanci", "hesit",
    "digitizer", "digit",
    "conformabli", "conform",
    "radicalli", "radic",
    "differentli", "differ",
    "vileli", "vile",
    "analogousli", "analog",
    "vietnamization", "vietnam",
    "predication", "predic",
    "operator", "oper",
    "feudalism", "feudal",
    "decisiveness", "decis",
    "hopefulness", "hope",
    "callousness", "callous",
    "formaliti", "formal",
    "sensitiviti", "sensit",
    "sensibiliti", "sensibl",
    "triplicate", "triplic",
    "formative", "form",
    "formalize", "formal",
    "electriciti", "electr",
    "electrical", "electr",
    "hopeful", "hope",
    "goodness", "good",
    "revival", "reviv",
    "allowance", "allow",
    "inference", "infer",
    "airliner", "airlin",
    "gyroscopic", "gyroscop",
    "adjustable", "adjust",
    "defensible", "defens",
    "irritant", "irrit",
    "replacement", "replac",
    "adjustment", "adjust",
    "dependent", "depend",
    "adoption", "adopt",
    "homologou", "homolog",
    "communism", "commun",
    "activate", "activ",
    "angulariti", "angular",
    "homologous", "homolog",
    "effective", "effect",
    "bowdlerize", "bowdler",
    "probate", "probat",
    "rate", "rate",
    "cease", "ceas",
    "controll", "control",
    "roll", "roll",
    "generalizations", "gener",
    "oscillators", "oscil",
    "knightly", "knightli",
    "abilities", "abil",
    "archaeology", "archaeolog",
    "is", "is",
    "as", "as",
    "running", "run",
  };

  @Test
  void stemsLikeTheReferenceImplementation() {
    for (int i = 0; i < VECTORS.length; i += 2) {
      assertThat(PorterStemmer.stem(VECTORS[i]))
          .as("stem of %s", VECTORS[i])
          .isEqualTo(VECTORS[i + 1]);
    }
  }

  @Test
  void leavesShortAndNonAsciiWordsAlone() {
    assertThat(PorterStemmer.stem("is")).isEqualTo("is");
    assertThat(PorterStemmer.stem("café")).isEqualTo("café");
    assertThat(PorterStemmer.stem("v2s")).isEqualTo("v2s");
    assertThat(PorterStemmer.stem("don't")).isEqualTo("don't");
  }
}
