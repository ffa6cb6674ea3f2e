package dev.shoal.engine.query;

import dev.shoal.engine.model.Document;
import dev.shoal.engine.namespace.NamespaceSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * BM25 (k1 1.2, b 0.75) by scanning every document, with collection statistics over the whole
 * snapshot. Used for unindexed documents.
 */
final class ExhaustiveBm25 {
  static final double K1 = 1.2;
  static final double B = 0.75;

  private ExhaustiveBm25() {}

  static List<TopK.Scored<Document>> search(
      NamespaceSnapshot snapshot, RankBy.Text text, Filter filter, int topK) {
    List<String> terms = new ArrayList<>(new LinkedHashSet<>(tokenize(text.query())));
    if (terms.isEmpty()) {
      return List.of();
    }
    // Per field: doc count, total length, df per term.
    Map<String, long[]> fieldStats = new HashMap<>();
    Map<String, Map<String, Integer>> df = new HashMap<>();
    Map<Document, Map<String, List<String>>> analyzed = new HashMap<>();
    snapshot.forEachLive(
        d -> {
          Map<String, List<String>> fields = new HashMap<>();
          for (Map.Entry<String, String> f : d.text().entrySet()) {
            if (!text.allFields() && !f.getKey().equals(text.field())) {
              continue;
            }
            List<String> tokens = tokenize(f.getValue());
            fields.put(f.getKey(), tokens);
            long[] st = fieldStats.computeIfAbsent(f.getKey(), k -> new long[2]);
            st[0]++;
            st[1] += tokens.size();
            Set<String> seen = new LinkedHashSet<>(tokens);
            Map<String, Integer> fdf = df.computeIfAbsent(f.getKey(), k -> new HashMap<>());
            for (String t : terms) {
              if (seen.contains(t)) {
                fdf.merge(t, 1, Integer::sum);
              }
            }
          }
          analyzed.put(d, fields);
        });
    TopK<Document> top = new TopK<>(topK);
    for (Map.Entry<Document, Map<String, List<String>>> e : analyzed.entrySet()) {
      Document d = e.getKey();
      if (filter != null && !filter.matches(d)) {
        continue;
      }
      double score = 0;
      for (Map.Entry<String, List<String>> f : e.getValue().entrySet()) {
        long[] st = fieldStats.get(f.getKey());
        double avgdl = (double) st[1] / st[0];
        Map<String, Integer> tf = new HashMap<>();
        for (String tok : f.getValue()) {
          tf.merge(tok, 1, Integer::sum);
        }
        for (String t : terms) {
          Integer freq = tf.get(t);
          if (freq == null) {
            continue;
          }
          int n = df.get(f.getKey()).get(t);
          double idf = Math.log(1 + (st[0] - n + 0.5) / (n + 0.5));
          double norm = K1 * (1 - B + B * f.getValue().size() / avgdl);
          score += idf * freq * (K1 + 1) / (freq + norm);
        }
      }
      if (score > 0) {
        top.offer(d.id(), score, d);
      }
    }
    return top.result();
  }

  static List<String> tokenize(String s) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= s.length(); i++) {
      boolean word = i < s.length() && Character.isLetterOrDigit(s.charAt(i));
      if (word && start < 0) {
        start = i;
      } else if (!word && start >= 0) {
        out.add(s.substring(start, i).toLowerCase(Locale.ROOT));
        start = -1;
      }
    }
    return out;
  }
}
