package dev.shoal.engine.wal;

import static java.util.Objects.requireNonNull;

import dev.shoal.engine.internal.ByteReader;
import dev.shoal.engine.internal.ByteWriter;
import dev.shoal.engine.internal.Checksums;
import dev.shoal.engine.internal.DocumentCodec;
import dev.shoal.engine.internal.FormatException;
import dev.shoal.engine.storage.CorruptObjectException;
import java.util.ArrayList;
import java.util.List;

/**
 * An immutable batch of WAL records: the unit of one commit, stored as one object.
 *
 * <p>Binary layout (little-endian): magic {@code "SHWL"}, format version byte, record count varint,
 * the records (a type byte, then the document, patch or id, see {@link DocumentCodec}), then the
 * footer of {@link Checksums} (magic and CRC32C).
 */
public record WalBatch(List<WalRecord> records) {
  public static final int MAGIC = 0x4C574853; // "SHWL" read little-endian
  public static final int FORMAT_VERSION = 1;

  static final int TYPE_UPSERT = 1;
  static final int TYPE_PATCH = 2;
  static final int TYPE_DELETE = 3;

  public WalBatch {
    records = List.copyOf(requireNonNull(records, "records is null"));
  }

  public int size() {
    return records.size();
  }

  /** Encodes the batch; the result is what gets stored. */
  public byte[] encode() {
    // Presized from an estimate: growing a multi-megabyte buffer copies it several times.
    ByteWriter out = new ByteWriter((int) Math.min(Integer.MAX_VALUE - 64, estimateSize()));
    out.writeInt(MAGIC);
    out.writeByte(FORMAT_VERSION);
    out.writeVarInt(records.size());
    for (WalRecord r : records) {
      if (r instanceof WalRecord.Upsert u) {
        out.writeByte(TYPE_UPSERT);
        DocumentCodec.writeDocument(out, u.document());
      } else if (r instanceof WalRecord.Patch p) {
        out.writeByte(TYPE_PATCH);
        DocumentCodec.writePatch(out, p.patch());
      } else {
        out.writeByte(TYPE_DELETE);
        out.writeString(r.id());
      }
    }
    Checksums.writeFooter(out);
    return out.toByteArray();
  }

  private long estimateSize() {
    long n = 64;
    for (WalRecord r : records) {
      if (r instanceof WalRecord.Upsert u) {
        var d = u.document();
        n += 1 + DocumentCodec.estimateBody(d.id(), d.vector(), d.sparse(), d.text(), d.attrs());
      } else if (r instanceof WalRecord.Patch p) {
        var d = p.patch();
        n += 1 + DocumentCodec.estimateBody(d.id(), d.vector(), d.sparse(), d.text(), d.attrs());
      } else {
        n += 6 + 3L * r.id().length();
      }
    }
    return n;
  }

  /**
   * Decodes a stored batch.
   *
   * @param key the object's key, named in errors
   * @throws CorruptObjectException if the bytes are truncated, corrupt or of an unknown version
   */
  public static WalBatch decode(String key, byte[] data) {
    try {
      int bodyEnd = Checksums.verify(data, MAGIC);
      ByteReader in = new ByteReader(data, 4, bodyEnd - 4);
      int version = in.readByte();
      if (version != FORMAT_VERSION) {
        throw new FormatException(
            "unsupported WAL format version "
                + version
                + " (this build reads "
                + FORMAT_VERSION
                + ")");
      }
      int count = in.readVarInt();
      List<WalRecord> records = new ArrayList<>(Math.min(count, 100_000));
      for (int i = 0; i < count; i++) {
        int type = in.readByte();
        switch (type) {
          case TYPE_UPSERT -> records.add(new WalRecord.Upsert(DocumentCodec.readDocument(in)));
          case TYPE_PATCH -> records.add(new WalRecord.Patch(DocumentCodec.readPatch(in)));
          case TYPE_DELETE -> records.add(new WalRecord.Delete(in.readString()));
          default -> throw new FormatException("unknown record type " + type + " at record " + i);
        }
      }
      if (in.remaining() != 0) {
        throw new FormatException(in.remaining() + " unexpected bytes after the last record");
      }
      return new WalBatch(records);
    } catch (FormatException | IllegalArgumentException e) {
      throw new CorruptObjectException(key, e.getMessage(), e);
    } catch (dev.shoal.engine.InvalidRequestException e) {
      throw new CorruptObjectException(key, "stored record fails validation: " + e.getMessage(), e);
    }
  }
}
