package dev.shoal.engine.internal;

import java.util.zip.CRC32C;

/** Framing shared by every binary object: a magic header and a CRC32C footer. */
public final class Checksums {
  /** Footer magic; a truncated object almost never ends with it. */
  public static final int FOOTER_MAGIC = 0x53484F46; // "SHOF"

  /** Footer size: magic plus checksum. */
  public static final int FOOTER_LENGTH = 8;

  private Checksums() {}

  public static int crc32c(byte[] data, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(data, off, len);
    return (int) crc.getValue();
  }

  /** Appends the footer over everything written so far. */
  public static void writeFooter(ByteWriter out) {
    out.writeInt(FOOTER_MAGIC);
    out.writeInt(crc32c(out.array(), 0, out.size()));
  }

  /**
   * Whether a whole object of any kind ends with an intact footer: its magic, and the checksum of
   * everything before the checksum. For copies of objects that are not decoded (the disk cache).
   */
  public static boolean footerIntact(byte[] data) {
    if (data.length < FOOTER_LENGTH) {
      return false;
    }
    ByteReader footer = new ByteReader(data, data.length - FOOTER_LENGTH, FOOTER_LENGTH);
    return footer.readInt() == FOOTER_MAGIC && footer.readInt() == crc32c(data, 0, data.length - 4);
  }

  /**
   * Checks the footer and the header of a whole object.
   *
   * @return the length of the body (everything before the footer)
   * @throws FormatException if the object is too short, truncated or corrupt
   */
  public static int verify(byte[] data, int headerMagic) {
    if (data.length < 4 + FOOTER_LENGTH) {
      throw new FormatException("object of " + data.length + " bytes is too short");
    }
    int bodyEnd = data.length - FOOTER_LENGTH;
    ByteReader header = new ByteReader(data, 0, 4);
    int magic = header.readInt();
    if (magic != headerMagic) {
      throw new FormatException(
          String.format("bad magic 0x%08x, expected 0x%08x", magic, headerMagic));
    }
    ByteReader footer = new ByteReader(data, bodyEnd, FOOTER_LENGTH);
    if (footer.readInt() != FOOTER_MAGIC) {
      throw new FormatException("footer missing: the object is truncated");
    }
    int stored = footer.readInt();
    int actual = crc32c(data, 0, bodyEnd + 4);
    if (stored != actual) {
      throw new FormatException(
          String.format("checksum mismatch: stored 0x%08x, computed 0x%08x", stored, actual));
    }
    return bodyEnd;
  }
}
