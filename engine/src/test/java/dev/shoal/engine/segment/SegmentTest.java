package dev.shoal.engine.segment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.engine.index.text.TextAnalyzer;
import dev.shoal.engine.index.text.TextAnalyzerOptions;
import dev.shoal.engine.model.DistanceMetric;
import dev.shoal.engine.model.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SegmentTest {

  private static final TextAnalyzer ANALYZER = TextAnalyzer.of(TextAnalyzerOptions.DEFAULT);

  /** Entries with ids e00000.., every 10th a tombstone, every 7th live one without a vector. */
  private static List<SegmentEntry> entries(int n, int dim, long seed) {
    Random r = new Random(seed);
    List<SegmentEntry> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = String.format("e%05d", i);
      if (i % 10 == 9) {
        out.add(new SegmentEntry(id, i + 1, null));
        continue;
      }
      float[] v = null;
      if (i % 7 != 0) {
        v = new float[dim];
        for (int j = 0; j < dim; j++) {
          v[j] = (float) (r.nextGaussian() * 3);
        }
      }
      out.add(new SegmentEntry(id, i + 1, Document.of(id, v, Map.of("n", (long) i))));
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(DistanceMetric.class)
  void vectorsAreStoredOnceAndComeBackAsWritten(DistanceMetric metric) {
    int dim = 128;
    // Below and above the size that gets a clustered index.
    for (int n : new int[] {500, SegmentWriter.FLAT_BELOW + 500}) {
      List<SegmentEntry> entries = entries(n, dim, 7);
      SegmentWriter.Written w = SegmentWriter.write(entries, metric, ANALYZER);
      long vectorBytes =
          entries.stream()
                  .filter(e -> e.document() != null && e.document().vector() != null)
                  .count()
              * dim
              * Float.BYTES;
      // One copy of the floats; codes, ordinals, ids and attributes are a small part beside them.
      assertThat((long) w.bytes().length)
          .as("%s, %d entries", metric, n)
          .isLessThan(vectorBytes * 6 / 5);

      Segment segment = Segment.decode("s", w.bytes());
      List<SegmentEntry> back = segment.entries();
      for (int i = 0; i < n; i++) {
        Document expected = entries.get(i).document();
        assertThat(back.get(i).id()).isEqualTo(entries.get(i).id());
        assertThat(back.get(i).seq()).isEqualTo(entries.get(i).seq());
        if (expected == null) {
          assertThat(segment.isTombstone(i)).isTrue();
          assertThat(back.get(i).document()).isNull();
          continue;
        }
        assertThat(segment.vector(i)).isEqualTo(expected.vector());
        assertThat(back.get(i).document().vector()).isEqualTo(expected.vector());
        assertThat(back.get(i).document().attrs()).isEqualTo(expected.attrs());
      }
    }
  }
}
