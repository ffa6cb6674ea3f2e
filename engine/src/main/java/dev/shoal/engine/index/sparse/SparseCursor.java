package dev.shoal.engine.index.sparse;

import dev.shoal.engine.index.postings.Postings;
import java.nio.ByteBuffer;

/** Iterates one dimension's postings for one query; decodes blocks on demand. Not thread-safe. */
final class SparseCursor {
  static final int NO_MORE = Postings.NO_MORE_DOCS;

  /** Position of the dimension in the query (the order scores are summed in). */
  final int queryIndex;

  final float queryValue;
  final int docFreq;

  /** Upper bound of this dimension's contribution, at least 0. */
  final double bound;

  private final int numBlocks;
  private final int[] lastDocs;
  private final int[] blockPos;
  private final double[] blockBounds;
  private final ByteBuffer data;
  private final int dataEnd;
  private final int[] docs = new int[Postings.BLOCK_SIZE];
  private final float[] values = new float[Postings.BLOCK_SIZE];
  private int block = -1;
  private int count;
  private int pos;
  int doc = -1;
  long scored;
  long blocksDecoded;

  SparseCursor(int queryIndex, float queryValue, int docFreq, ByteBuffer list, int maxDoc) {
    this.queryIndex = queryIndex;
    this.queryValue = queryValue;
    this.docFreq = docFreq;
    this.numBlocks = (docFreq + Postings.BLOCK_SIZE - 1) / Postings.BLOCK_SIZE;
    this.lastDocs = new int[numBlocks];
    this.blockPos = new int[numBlocks];
    this.blockBounds = new double[numBlocks];
    ByteBuffer in = list.duplicate().order(list.order());
    in.limit(in.limit() - 4);
    int[] sizes = new int[numBlocks];
    int last = -1;
    double max = 0;
    for (int b = 0; b < numBlocks; b++) {
      int delta = Postings.readVInt(in);
      last += delta;
      if (delta < 1 || last < 0 || last >= maxDoc) {
        throw new IllegalStateException("skip data out of range");
      }
      lastDocs[b] = last;
      sizes[b] = Postings.readVInt(in);
      float bmax = in.getFloat();
      float bmin = in.getFloat();
      blockBounds[b] = contributionBound(queryValue, bmin, bmax);
      max = Math.max(max, blockBounds[b]);
    }
    this.bound = max;
    int p = in.position();
    for (int b = 0; b < numBlocks; b++) {
      blockPos[b] = p;
      p += sizes[b];
      if (sizes[b] < 1 || p > in.limit()) {
        throw new IllegalStateException("block sizes exceed the postings list");
      }
    }
    if (p != in.limit()) {
      throw new IllegalStateException("postings list has trailing bytes");
    }
    this.data = list;
    this.dataEnd = in.limit();
  }

  /** The most {@code q * v} can be for v in [min, max], and never below 0 (see the search). */
  static double contributionBound(float q, float min, float max) {
    return Math.max(0, Math.max((double) q * max, (double) q * min));
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
    if (p + 4 * n != (b + 1 < numBlocks ? blockPos[b + 1] : dataEnd)) {
      throw new IllegalStateException("block " + b + " values overrun");
    }
    for (int i = 0; i < n; i++) {
      values[i] = data.getFloat(p + 4 * i);
      if (!Float.isFinite(values[i])) {
        throw new IllegalStateException("non-finite value");
      }
    }
    block = b;
    count = n;
    blocksDecoded++;
  }

  private int blockFor(int target, int from) {
    int b = from;
    if (b >= numBlocks || lastDocs[b] >= target) {
      return b;
    }
    int lo = b + 1;
    int hi = numBlocks;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (lastDocs[mid] < target) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  int advance(int target) {
    if (doc >= target) {
      return doc;
    }
    if (block < 0 || lastDocs[block] < target) {
      int b = blockFor(target, Math.max(block, 0));
      if (b >= numBlocks) {
        return doc = NO_MORE;
      }
      decode(b);
      pos = 0;
    }
    while (docs[pos] < target) {
      pos++;
    }
    return doc = docs[pos];
  }

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

  /** The current posting's exact contribution {@code q * v}. */
  double contribution() {
    scored++;
    return (double) queryValue * values[pos];
  }

  /** Bound of the contribution for a document at or after {@code target}, from block maxima. */
  double blockBound(int target) {
    int b = blockFor(target, Math.max(block, 0));
    return b >= numBlocks ? 0 : blockBounds[b];
  }
}
