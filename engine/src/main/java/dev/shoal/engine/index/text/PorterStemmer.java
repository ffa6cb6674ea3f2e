package dev.shoal.engine.index.text;

/**
 * The Porter stemming algorithm (M.F. Porter, 1980, "An algorithm for suffix stripping"), with the
 * two departures of its author's reference implementation that Lucene's {@code PorterStemFilter}
 * also has: step 2 maps "bli" to "ble" (not "abli" to "able") and "logi" to "log".
 *
 * <p>Only words of lower-case ASCII letters longer than two letters are stemmed; anything else
 * (digits, accents, apostrophes, other scripts) is returned unchanged, because the algorithm's
 * consonant and vowel rules are defined for English letters only. Stateless and thread-safe.
 */
final class PorterStemmer {

  private PorterStemmer() {}

  static String stem(String word) {
    int len = word.length();
    if (len <= 2) {
      return word;
    }
    for (int i = 0; i < len; i++) {
      char c = word.charAt(i);
      if (c < 'a' || c > 'z') {
        return word;
      }
    }
    Buffer b = new Buffer(word.toCharArray());
    b.step1ab();
    if (b.k > 0) {
      b.step1c();
      b.step2();
      b.step3();
      b.step4();
      b.step5();
    }
    String stem = new String(b.b, 0, b.k + 1);
    return stem.equals(word) ? word : stem;
  }

  /** The word being stemmed: b[0..k] is the current stem, j marks the end of a stem candidate. */
  private static final class Buffer {
    final char[] b;
    int k;
    int j;

    Buffer(char[] b) {
      this.b = b;
      this.k = b.length - 1;
    }

    boolean cons(int i) {
      switch (b[i]) {
        case 'a', 'e', 'i', 'o', 'u':
          return false;
        case 'y':
          return i == 0 || !cons(i - 1);
        default:
          return true;
      }
    }

    /** The number of vowel-consonant sequences in b[0..j]: [C](VC)^m[V]. */
    int m() {
      int n = 0;
      int i = 0;
      while (true) {
        if (i > j) {
          return n;
        }
        if (!cons(i)) {
          break;
        }
        i++;
      }
      i++;
      while (true) {
        while (true) {
          if (i > j) {
            return n;
          }
          if (cons(i)) {
            break;
          }
          i++;
        }
        i++;
        n++;
        while (true) {
          if (i > j) {
            return n;
          }
          if (!cons(i)) {
            break;
          }
          i++;
        }
        i++;
      }
    }

    boolean vowelInStem() {
      for (int i = 0; i <= j; i++) {
        if (!cons(i)) {
          return true;
        }
      }
      return false;
    }

    boolean doubleC(int i) {
      return i >= 1 && b[i] == b[i - 1] && cons(i);
    }

    /** Consonant-vowel-consonant ending at i, where the last consonant is not w, x or y. */
    boolean cvc(int i) {
      if (i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2)) {
        return false;
      }
      char c = b[i];
      return c != 'w' && c != 'x' && c != 'y';
    }

    boolean ends(String s) {
      int l = s.length();
      int o = k - l + 1;
      if (o < 0) {
        return false;
      }
      for (int i = 0; i < l; i++) {
        if (b[o + i] != s.charAt(i)) {
          return false;
        }
      }
      j = k - l;
      return true;
    }

    void setTo(String s) {
      int l = s.length();
      int o = j + 1;
      for (int i = 0; i < l; i++) {
        b[o + i] = s.charAt(i);
      }
      k = j + l;
    }

    void r(String s) {
      if (m() > 0) {
        setTo(s);
      }
    }

    /** Plurals and -ed or -ing. */
    void step1ab() {
      if (b[k] == 's') {
        if (ends("sses")) {
          k -= 2;
        } else if (ends("ies")) {
          setTo("i");
        } else if (b[k - 1] != 's') {
          k--;
        }
      }
      if (ends("eed")) {
        if (m() > 0) {
          k--;
        }
      } else if ((ends("ed") || ends("ing")) && vowelInStem()) {
        k = j;
        if (ends("at")) {
          setTo("ate");
        } else if (ends("bl")) {
          setTo("ble");
        } else if (ends("iz")) {
          setTo("ize");
        } else if (doubleC(k)) {
          k--;
          char c = b[k];
          if (c == 'l' || c == 's' || c == 'z') {
            k++;
          }
        } else if (m() == 1 && cvc(k)) {
          setTo("e");
        }
      }
    }

    /** Terminal y to i when there is another vowel in the stem. */
    void step1c() {
      if (ends("y") && vowelInStem()) {
        b[k] = 'i';
      }
    }

    /** Double suffixes to single ones, when m() > 0. */
    void step2() {
      if (k < 1) {
        return;
      }
      switch (b[k - 1]) {
        case 'a' -> {
          if (ends("ational")) {
            r("ate");
          } else if (ends("tional")) {
            r("tion");
          }
        }
        case 'c' -> {
          if (ends("enci")) {
            r("ence");
          } else if (ends("anci")) {
            r("ance");
          }
        }
        case 'e' -> {
          if (ends("izer")) {
            r("ize");
          }
        }
        case 'l' -> {
          if (ends("bli")) {
            r("ble");
          } else if (ends("alli")) {
            r("al");
          } else if (ends("entli")) {
            r("ent");
          } else if (ends("eli")) {
            r("e");
          } else if (ends("ousli")) {
            r("ous");
          }
        }
        case 'o' -> {
          if (ends("ization")) {
            r("ize");
          } else if (ends("ation")) {
            r("ate");
          } else if (ends("ator")) {
            r("ate");
          }
        }
        case 's' -> {
          if (ends("alism")) {
            r("al");
          } else if (ends("iveness")) {
            r("ive");
          } else if (ends("fulness")) {
            r("ful");
          } else if (ends("ousness")) {
            r("ous");
          }
        }
        case 't' -> {
          if (ends("aliti")) {
            r("al");
          } else if (ends("iviti")) {
            r("ive");
          } else if (ends("biliti")) {
            r("ble");
          }
        }
        case 'g' -> {
          if (ends("logi")) {
            r("log");
          }
        }
        default -> {}
      }
    }

    /** -ic-, -full, -ness etc. */
    void step3() {
      switch (b[k]) {
        case 'e' -> {
          if (ends("icate")) {
            r("ic");
          } else if (ends("ative")) {
            r("");
          } else if (ends("alize")) {
            r("al");
          }
        }
        case 'i' -> {
          if (ends("iciti")) {
            r("ic");
          }
        }
        case 'l' -> {
          if (ends("ical")) {
            r("ic");
          } else if (ends("ful")) {
            r("");
          }
        }
        case 's' -> {
          if (ends("ness")) {
            r("");
          }
        }
        default -> {}
      }
    }

    /** -ant, -ence etc. in context <c>vcvc<v>, when m() > 1. */
    void step4() {
      if (k < 1) {
        return;
      }
      boolean found =
          switch (b[k - 1]) {
            case 'a' -> ends("al");
            case 'c' -> ends("ance") || ends("ence");
            case 'e' -> ends("er");
            case 'i' -> ends("ic");
            case 'l' -> ends("able") || ends("ible");
            case 'n' -> ends("ant") || ends("ement") || ends("ment") || ends("ent");
            case 'o' -> (ends("ion") && j >= 0 && (b[j] == 's' || b[j] == 't')) || ends("ou");
            case 's' -> ends("ism");
            case 't' -> ends("ate") || ends("iti");
            case 'u' -> ends("ous");
            case 'v' -> ends("ive");
            case 'z' -> ends("ize");
            default -> false;
          };
      if (found && m() > 1) {
        k = j;
      }
    }

    /** A final -e when m() > 1 (or m() == 1 and not *o), and -ll to -l when m() > 1. */
    void step5() {
      j = k;
      if (b[k] == 'e') {
        int a = m();
        if (a > 1 || (a == 1 && !cvc(k - 1))) {
          k--;
        }
      }
      if (b[k] == 'l' && doubleC(k) && m() > 1) {
        k--;
      }
    }
  }
}
