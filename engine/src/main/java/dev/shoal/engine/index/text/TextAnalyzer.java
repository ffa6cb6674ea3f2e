package dev.shoal.engine.index.text;

import static java.util.Objects.requireNonNull;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Turns text into index terms: Unicode word segmentation, lower-casing and Unicode normalization,
 * then optionally English stop words and Porter stemming ({@link TextAnalyzerOptions}).
 *
 * <p>Segmentation follows the word rules of Unicode UAX #29 closely, with a hand-written code point
 * classifier (it is several times faster than {@link java.text.BreakIterator}, which also returns
 * punctuation and space segments that would have to be filtered):
 *
 * <ul>
 *   <li>letters, digits and combining marks form words: {@code "Café"}, {@code "v2"}, {@code "3d"};
 *       underscores join them ({@code "foo_bar"});
 *   <li>an apostrophe, {@code ’} or {@code .} between two letters stays inside the word ({@code
 *       "can't"}, {@code "U.S.A"}); {@code .} and {@code ,} between digits too ({@code "3.14"},
 *       {@code "1,000"}); everything else breaks, hyphens included ({@code "state-of-the-art"} is
 *       four words). Unlike UAX #29, a colon or semicolon always breaks;
 *   <li>each Han ideograph and each Hiragana character is a word of its own (as in UAX #29 and
 *       Lucene's standard tokenizer); Katakana runs stay together; Hangul, Thai and other scripts
 *       form words of their letters;
 *   <li>an emoji is a word (with its skin tone and zero-width-joiner sequence; variation selectors
 *       are dropped), so "🍕" finds documents that contain it;
 *   <li>words without a letter or digit, and words longer than {@link #MAX_TOKEN_CHARS} characters,
 *       are dropped.
 * </ul>
 *
 * <p>Each word is then lower-cased with {@link Locale#ROOT} (full Unicode case mapping), put in
 * Unicode NFKC form (so decomposed accents, full-width letters and ligatures match their usual
 * forms), and {@code ’} becomes {@code '}. Stop words are removed after lower-casing; with Porter
 * stemming, a possessive {@code 's} is removed before stemming.
 *
 * <p>The output is a pure function of the text, the options and the JDK's Unicode version.
 * Instances are immutable and thread-safe.
 */
public final class TextAnalyzer {
  /** Longer words are dropped (base64 blobs and the like are not useful search terms). */
  public static final int MAX_TOKEN_CHARS = 255;

  private static final TextAnalyzer DEFAULT = new TextAnalyzer(TextAnalyzerOptions.DEFAULT);

  // Word-break classes.
  private static final byte OTHER = 0;
  private static final byte LETTER = 1;
  private static final byte NUMERIC = 2;
  private static final byte KATAKANA = 3;
  private static final byte EXTEND_NUM_LET = 4; // underscore and other connectors
  private static final byte EXTEND = 5; // combining marks and format characters
  private static final byte MID_LETTER = 6; // joins letters
  private static final byte MID_NUM_LET = 7; // joins letters or digits
  private static final byte MID_NUM = 8; // joins digits
  private static final byte IDEOGRAPH = 9; // a word by itself
  private static final byte EMOJI = 10;

  private static final byte[] ASCII = new byte[128];

  static {
    for (int c = 'a'; c <= 'z'; c++) {
      ASCII[c] = LETTER;
      ASCII[c - 'a' + 'A'] = LETTER;
    }
    for (int c = '0'; c <= '9'; c++) {
      ASCII[c] = NUMERIC;
    }
    ASCII['_'] = EXTEND_NUM_LET;
    ASCII['\''] = MID_NUM_LET;
    ASCII['.'] = MID_NUM_LET;
    ASCII[','] = MID_NUM;
  }

  private final TextAnalyzerOptions options;
  private final boolean stopWords;
  private final boolean porter;

  private TextAnalyzer(TextAnalyzerOptions options) {
    this.options = requireNonNull(options, "options is null");
    this.stopWords = options.stopWords() == TextAnalyzerOptions.StopWords.ENGLISH;
    this.porter = options.stemming() == TextAnalyzerOptions.Stemming.PORTER;
  }

  public static TextAnalyzer of(TextAnalyzerOptions options) {
    return options.equals(TextAnalyzerOptions.DEFAULT) ? DEFAULT : new TextAnalyzer(options);
  }

  public TextAnalyzerOptions options() {
    return options;
  }

  /** The terms of {@code text}, in order, repeats included. */
  public List<String> analyze(CharSequence text) {
    List<String> out = new ArrayList<>(Math.max(4, text.length() / 6));
    analyze(text, out::add);
    return out;
  }

  /** Passes the terms of {@code text} to {@code sink}, in order, repeats included. */
  public void analyze(CharSequence text, Consumer<String> sink) {
    int n = text.length();
    char[] buf = new char[Math.min(n, MAX_TOKEN_CHARS) + 8];
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      int cp;
      byte cls;
      if (c < 128) {
        cp = c;
        cls = ASCII[c];
      } else {
        cp = Character.codePointAt(text, i);
        cls = classify(cp);
      }
      switch (cls) {
        case LETTER, NUMERIC, KATAKANA, EXTEND_NUM_LET -> i = word(text, i, cls, buf, sink);
        case IDEOGRAPH -> i = ideograph(text, i, cp, sink);
        case EMOJI -> i = emoji(text, i, cp, sink);
        default -> i += Character.charCount(cp);
      }
    }
  }

  /** Scans a word starting at {@code start}; returns the index after it. */
  private int word(
      CharSequence text, int start, byte firstClass, char[] buf, Consumer<String> sink) {
    int n = text.length();
    int len = 0;
    boolean overflow = false;
    boolean ascii = true;
    boolean hasWordChar = firstClass != EXTEND_NUM_LET;
    byte prev = firstClass;
    int i = start;
    // Append the first code point.
    int cp0 = Character.codePointAt(text, i);
    if (cp0 >= 128) {
      ascii = false;
    }
    len = append(buf, len, cp0);
    i += Character.charCount(cp0);
    while (i < n) {
      char c = text.charAt(i);
      if (c < 128 && ASCII[c] >= LETTER && ASCII[c] <= NUMERIC && prev != KATAKANA) {
        // Fast path for ASCII letters and digits, the bulk of most text.
        if (len < MAX_TOKEN_CHARS) {
          buf[len++] = c;
        } else {
          overflow = true;
        }
        hasWordChar = true;
        prev = ASCII[c];
        i++;
        continue;
      }
      int cp = c < 128 ? c : Character.codePointAt(text, i);
      byte cls = c < 128 ? ASCII[c] : classify(cp);
      int width = Character.charCount(cp);
      boolean take;
      switch (cls) {
        case LETTER, NUMERIC -> take = prev != KATAKANA;
        case KATAKANA -> take = prev == KATAKANA || prev == EXTEND_NUM_LET;
        case EXTEND_NUM_LET -> take = true;
        case EXTEND -> {
          // Marks extend the word; format characters and variation selectors are dropped.
          if (keepExtend(cp)) {
            if (len + Character.charCount(cp) <= MAX_TOKEN_CHARS) {
              len = append(buf, len, cp);
            } else {
              overflow = true;
            }
            ascii = false;
          }
          i += width;
          continue;
        }
        case MID_LETTER, MID_NUM_LET, MID_NUM -> {
          int next = i + width;
          while (next < n && classifyAt(text, next) == EXTEND) {
            next += Character.charCount(Character.codePointAt(text, next));
          }
          byte after = next < n ? classifyAt(text, next) : OTHER;
          boolean letters = prev == LETTER && after == LETTER && cls != MID_NUM;
          boolean digits = prev == NUMERIC && after == NUMERIC && cls != MID_LETTER;
          take = letters || digits;
          if (take) {
            // ’ and ‘ inside a word are apostrophes.
            int mid = (cp == 0x2019 || cp == 0x2018) ? '\'' : cp;
            if (len + 1 <= MAX_TOKEN_CHARS) {
              len = append(buf, len, mid);
            } else {
              overflow = true;
            }
            if (mid >= 128) {
              ascii = false;
            }
            i = next;
            // Fall through to append the following letter or digit in the next iteration.
            continue;
          }
        }
        default -> take = false;
      }
      if (!take) {
        break;
      }
      if (cls != EXTEND_NUM_LET) {
        hasWordChar = true;
      }
      if (len + Character.charCount(cp) <= MAX_TOKEN_CHARS) {
        len = append(buf, len, cp);
      } else {
        overflow = true;
      }
      if (cp >= 128) {
        ascii = false;
      }
      prev = cls;
      i += width;
    }
    if (hasWordChar && !overflow && len > 0) {
      emit(buf, len, ascii, sink);
    }
    return i;
  }

  private int ideograph(CharSequence text, int start, int cp, Consumer<String> sink) {
    int n = text.length();
    StringBuilder sb = new StringBuilder(4).appendCodePoint(cp);
    int i = start + Character.charCount(cp);
    while (i < n) {
      int next = Character.codePointAt(text, i);
      if (classify(next) != EXTEND) {
        break;
      }
      if (keepExtend(next)) {
        sb.appendCodePoint(next);
      }
      i += Character.charCount(next);
    }
    emit(sb.toString(), false, sink);
    return i;
  }

  private int emoji(CharSequence text, int start, int cp, Consumer<String> sink) {
    int n = text.length();
    StringBuilder sb = new StringBuilder(8).appendCodePoint(cp);
    boolean regional = isRegionalIndicator(cp);
    int i = start + Character.charCount(cp);
    while (i < n) {
      int next = Character.codePointAt(text, i);
      int w = Character.charCount(next);
      if (next == 0xFE0F || next == 0xFE0E) {
        i += w; // presentation selectors: "❤" and "❤️" are the same word
      } else if ((next >= 0x1F3FB && next <= 0x1F3FF) // skin tones
          || (next >= 0xE0020 && next <= 0xE007F) // tag sequences (subdivision flags)
          || next == 0x20E3) {
        sb.appendCodePoint(next);
        i += w;
      } else if (regional && isRegionalIndicator(next)) {
        sb.appendCodePoint(next); // a flag is a pair of regional indicators
        i += w;
        regional = false;
      } else if (next == 0x200D && i + 1 < n) {
        int joined = Character.codePointAt(text, i + 1);
        if (classify(joined) != EMOJI) {
          break;
        }
        sb.append('\u200D').appendCodePoint(joined);
        i += 1 + Character.charCount(joined);
      } else {
        break;
      }
    }
    sink.accept(sb.toString());
    return i;
  }

  private void emit(char[] buf, int len, boolean ascii, Consumer<String> sink) {
    if (ascii) {
      for (int j = 0; j < len; j++) {
        char c = buf[j];
        if (c >= 'A' && c <= 'Z') {
          buf[j] = (char) (c + 32);
        }
      }
      finish(new String(buf, 0, len), sink);
    } else {
      emit(new String(buf, 0, len), false, sink);
    }
  }

  private void emit(String word, boolean ascii, Consumer<String> sink) {
    String w = ascii ? word : normalize(word);
    if (w.isEmpty() || w.length() > MAX_TOKEN_CHARS) {
      return;
    }
    finish(w, sink);
  }

  private static String normalize(String word) {
    String lower = word.toLowerCase(Locale.ROOT);
    if (!Normalizer.isNormalized(lower, Normalizer.Form.NFKC)) {
      lower = Normalizer.normalize(lower, Normalizer.Form.NFKC);
      // NFKC can expose upper-case letters (e.g. from compatibility characters) and ’.
      lower = lower.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
    }
    return lower;
  }

  private void finish(String word, Consumer<String> sink) {
    if (stopWords && EnglishStopWords.contains(word)) {
      return;
    }
    if (porter) {
      if (word.endsWith("'s") && word.length() > 2) {
        word = word.substring(0, word.length() - 2);
      }
      word = PorterStemmer.stem(word);
    }
    sink.accept(word);
  }

  private static int append(char[] buf, int len, int cp) {
    if (cp < Character.MIN_SUPPLEMENTARY_CODE_POINT) {
      buf[len] = (char) cp;
      return len + 1;
    }
    buf[len] = Character.highSurrogate(cp);
    buf[len + 1] = Character.lowSurrogate(cp);
    return len + 2;
  }

  private static byte classifyAt(CharSequence text, int i) {
    char c = text.charAt(i);
    return c < 128 ? ASCII[c] : classify(Character.codePointAt(text, i));
  }

  private static boolean keepExtend(int cp) {
    int type = Character.getType(cp);
    if (type == Character.FORMAT) {
      return false; // soft hyphen, zero-width joiners, direction marks
    }
    return !(cp >= 0xFE00 && cp <= 0xFE0F) && !(cp >= 0xE0100 && cp <= 0xE01EF);
  }

  private static boolean isRegionalIndicator(int cp) {
    return cp >= 0x1F1E6 && cp <= 0x1F1FF;
  }

  /** The word-break class of a code point at or above 128. */
  static byte classify(int cp) {
    if (cp < 128) {
      return ASCII[cp];
    }
    switch (cp) {
      case 0x2019, 0x2018, 0x2024, 0xFE52, 0xFF07, 0xFF0E:
        return MID_NUM_LET;
      case 0x00B7, 0x0387, 0x05F4, 0x2027, 0xFE13, 0xFE55:
        return MID_LETTER;
      case 0x066C, 0xFE50, 0xFF0C, 0x037E, 0x0589, 0x060C, 0x060D, 0x07F8, 0x2044:
        return MID_NUM;
      case 0x30FC, 0xFF70, 0x309B, 0x309C, 0x30A0:
        return KATAKANA;
      default:
        break;
    }
    int type = Character.getType(cp);
    switch (type) {
      case Character.UPPERCASE_LETTER,
      Character.LOWERCASE_LETTER,
      Character.TITLECASE_LETTER,
      Character.MODIFIER_LETTER,
      Character.OTHER_LETTER,
      Character.LETTER_NUMBER:
        if (Character.isIdeographic(cp) || (cp >= 0x3040 && cp <= 0x309F)) {
          return IDEOGRAPH; // Han and Hiragana
        }
        if ((cp >= 0x30A0 && cp <= 0x30FF)
            || (cp >= 0x31F0 && cp <= 0x31FF)
            || (cp >= 0xFF66 && cp <= 0xFF9F)) {
          return KATAKANA;
        }
        return LETTER;
      case Character.DECIMAL_DIGIT_NUMBER:
        return NUMERIC;
      case Character.NON_SPACING_MARK,
      Character.ENCLOSING_MARK,
      Character.COMBINING_SPACING_MARK,
      Character.FORMAT:
        return EXTEND;
      case Character.CONNECTOR_PUNCTUATION:
        return EXTEND_NUM_LET;
      case Character.OTHER_SYMBOL:
        if (cp >= 0x1F000
            || (cp >= 0x2190 && cp <= 0x2BFF)
            || cp == 0x00A9
            || cp == 0x00AE
            || cp == 0x3030
            || cp == 0x303D
            || cp == 0x3297
            || cp == 0x3299) {
          return EMOJI;
        }
        return OTHER;
      default:
        return OTHER;
    }
  }

  @Override
  public String toString() {
    return "TextAnalyzer" + options.toMap();
  }
}
