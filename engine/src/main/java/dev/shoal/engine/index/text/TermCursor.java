package dev.shoal.engine.index.text;

import dev.shoal.engine.index.postings.Postings;
import java.nio.ByteBuffer;

/**
 * Iterates one term's postings in one segment for one query: decodes blocks on demand, scores the
 * current posting, and gives block-max score bounds from the skip data. Not thread-safe.
 */
final class TermCursor {
  static final int NO_MORE = Postings.NO_MORE_DOCS;

  private final Bm25Query query;
  private final int term;
  private final int[] norms;
  final int docFreq;
  private final int numBlocks;
  private final int[] lastDocs;
  private final int[] blockPos;
  private final long[] blockBounds;
  final long maxBound;
  private final ByteBuffer data;

  private final int[] docs;
  private final int[] freqs;
  private int block = -1;
  private int count;
  private int pos;
  int doc = -1;

  long scored;
  long blocksDecoded;

  /** A cursor over a term with one inlined posting. */
  TermCursor(Bm25Query query, int term, int[] norms, int doc, int freq) {
    this.query = query;
    this.term = term;
    this.norms = norms;
    this.docFreq = 1;
    this.numBlocks = 1;
    this.lastDocs = new int[] {doc};
    this.blockPos = new int[] {0};
    this.docs = new int[] {doc};
    this.freqs = new int[] {freq};
    this.blockBounds = new long[] {query.bound(term, freq, norms[doc])};
    this.maxBound = blockBounds[0];
    this.data = null;
    this.block = 0;
    this.count = 1;
    this.pos = -1;
  }

  /** A cursor over a postings list read from the index (checksum already verified). */
  TermCursor(Bm25Query query, int term, int[] norms, int docFreq, ByteBuffer list, int maxDoc) {
    this.query = query;
    this.term = term;
    this.norms = norms;
    this.docFreq = docFreq;
    this.numBlocks = (docFreq + Postings.BLOCK_SIZE - 1) / Postings.BLOCK_SIZE;
    this.lastDocs = new int[numBlocks];
    this.blockPos = new int[numBlocks];
    this.blockBounds = new long[numBlocks];
    ByteBuffer in = list.duplicate().order(list.order());
    in.limit(in.limit() - 4);
    int[] sizes = new int[numBlocks];
    int last = -1;
    long max = 0;
    for (int b = 0; b < numBlocks; b++) {
      int delta = Postings.readVInt(in);
      last += delta;
      if (delta < 1 || last >= maxDoc || last < 0) {
        throw new IllegalStateException("skip data out of range");
      }
      lastDocs[b] = last;
      sizes[b] = Postings.readVInt(in);
      int impacts = Postings.readVInt(in);
      if (impacts < 1 || impacts > TextIndexFormat.MAX_IMPACTS) {
        throw new IllegalStateException("bad impact count " + impacts);
      }
      int tf = 0;
      int len = -1;
      long bound = 0;
      for (int j = 0; j < impacts; j++) {
        tf += Postings.readVInt(in) + 1;
        len += Postings.readVInt(in) + 1;
        if (tf < 1 || len < 0) {
          throw new IllegalStateException("bad impact");
        }
        bound = Math.max(bound, query.bound(term, tf, len));
      }
      blockBounds[b] = bound;
      max = Math.max(max, bound);
    }
    this.maxBound = max;
    int p = in.position();
    for (int b = 0; b < numBlocks; b++) {
      blockPos[b] = p;
      p += sizes[b];
      if (sizes[b] < 2 || p > in.limit()) {
        throw new IllegalStateException("block sizes exceed the postings list");
      }
    }
    if (p != in.limit()) {
      throw new IllegalStateException("postings list has trailing bytes");
    }
    this.data = list;
    this.docs = new int[Postings.BLOCK_SIZE];
    this.freqs = new int[Postings.BLOCK_SIZE];
  }

  int numBlocks() {
    return numBlocks;
  }

  private void decode(int b) {
    int n = b == numBlocks - 1 ? docFreq - b * Postings.BLOCK_SIZE : Postings.BLOCK_SIZE;
    int p = blockPos[b];
    int bits = data.get(p++);
    p += Postings.unpack(data, p, n, bits, docs);
    int d = b == 0 ? -1 : lastDocs[b - 1];
    for (int i = 0; i < n; i++) {
      d += docs[i] + 1;
      docs[i] = d;
    }
    if (d != lastDocs[b]) {
      throw new IllegalStateException("block " + b + " does not end at its skip entry");
    }
    bits = data.get(p++);
    Postings.unpack(data, p, n, bits, freqs);
    for (int i = 0; i < n; i++) {
      freqs[i]++;
    }
    block = b;
    count = n;
    blocksDecoded++;
  }

  /** The first block at or after {@code from} whose last document is at least {@code target}. */
  private int blockFor(int target, int from) {
    if (from >= numBlocks || lastDocs[from] >= target) {
      return from;
    }
    // Gallop, then binary search.
    int lo = from;
    int step = 1;
    int hi = from + 1;
    while (hi < numBlocks && lastDocs[hi] < target) {
      lo = hi;
      step <<= 1;
      hi = from + step;
    }
    hi = Math.min(hi, numBlocks);
    // lastDocs[lo] < target; answer in (lo, hi]
    int l = lo + 1;
    int h = hi;
    while (l < h) {
      int mid = (l + h) >>> 1;
      if (lastDocs[mid] < target) {
        l = mid + 1;
      } else {
        h = mid;
      }
    }
    return l;
  }

  /** Moves to the first document at or after {@code target}; returns it or {@link #NO_MORE}. */
  int advance(int target) {
    if (doc >= target) {
      return doc;
    }
    if (block < 0 || lastDocs[block] < target) {
      int b = blockFor(target, Math.max(block, 0));
      if (b >= numBlocks) {
        return doc = NO_MORE;
      }
      if (b != block) {
        decode(b);
      }
      pos = 0;
    } else if (pos < 0) {
      pos = 0;
    }
    while (docs[pos] < target) {
      pos++;
    }
    return doc = docs[pos];
  }

  /** Moves to the next document; returns it or {@link #NO_MORE}. */
  int nextDoc() {
    if (block < 0) {
      return advance(0);
    }
    if (++pos < count) {
      return doc = docs[pos];
    }
    if (block + 1 >= numBlocks) {
      return doc = NO_MORE;
    }
    decode(block + 1);
    pos = 0;
    return doc = docs[0];
  }

  /** The current posting's contribution, in fixed point. */
  long score() {
    scored++;
    return query.contribution(term, freqs[pos], norms[doc]);
  }

  /** A lower bound of the first document at or after {@code from} (the block's start). */
  int nextCandidate(int from) {
    if (doc >= from) {
      return doc;
    }
    int b = blockFor(from, Math.max(block, 0));
    if (b >= numBlocks) {
      return NO_MORE;
    }
    return Math.max(from, b == 0 ? 0 : lastDocs[b - 1] + 1);
  }

  /**
   * One past the last document of the block holding the first document at or after {@code from}.
   */
  int blockEnd(int from) {
    int b = blockFor(from, Math.max(block, 0));
    return b >= numBlocks ? NO_MORE : lastDocs[b] + 1;
  }

  /** The best score any document in {@code [from, to)} can get from this term. */
  long maxBound(int from, int to) {
    int b = blockFor(from, Math.max(block, 0));
    long max = 0;
    while (b < numBlocks) {
      int start = b == 0 ? 0 : lastDocs[b - 1] + 1;
      if (start >= to) {
        break;
      }
      max = Math.max(max, blockBounds[b]);
      b++;
    }
    return max;
  }
}
