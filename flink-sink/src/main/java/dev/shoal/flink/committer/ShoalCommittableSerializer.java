package dev.shoal.flink.committer;

import dev.shoal.engine.StagedBatch;
import dev.shoal.engine.model.NamespacePath;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Stores committables in Flink checkpoints. Flink records {@link #getVersion()} next to each
 * serialized committable and passes it back to {@link #deserialize}, so a later release keeps
 * reading old checkpoints by branching on it.
 *
 * <p>Version 1: magic {@code SHFC}, writer id, namespace, checkpoint id, position, then per staged
 * batch its key, record count, size and vector dimension.
 */
public final class ShoalCommittableSerializer
    implements SimpleVersionedSerializer<ShoalCommittable> {
  static final int MAGIC = 0x53484643; // "SHFC"
  static final int VERSION = 1;

  @Override
  public int getVersion() {
    return VERSION;
  }

  @Override
  public byte[] serialize(ShoalCommittable c) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + 96 * c.batches().size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeUTF(c.writerId());
      out.writeUTF(c.namespace().toString());
      out.writeLong(c.checkpointId());
      out.writeLong(c.position());
      out.writeInt(c.batches().size());
      for (StagedBatch b : c.batches()) {
        out.writeUTF(b.key());
        out.writeInt(b.records());
        out.writeLong(b.bytes());
        out.writeInt(b.dimension());
      }
    }
    return bytes.toByteArray();
  }

  @Override
  public ShoalCommittable deserialize(int version, byte[] serialized) throws IOException {
    if (version != VERSION) {
      throw new IOException(
          "Cannot read a Shoal committable of version "
              + version
              + ": this sink reads version "
              + VERSION
              + " (was the checkpoint written by a newer release?)");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
      int magic = in.readInt();
      if (magic != MAGIC) {
        throw new IOException(
            "Cannot read a Shoal committable: bad magic 0x" + Integer.toHexString(magic));
      }
      String writerId = in.readUTF();
      NamespacePath ns = NamespacePath.parse(in.readUTF());
      long checkpointId = in.readLong();
      long position = in.readLong();
      int n = in.readInt();
      if (n < 1 || n > 1_000_000) {
        throw new IOException("Cannot read a Shoal committable: " + n + " staged batches");
      }
      List<StagedBatch> batches = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        batches.add(new StagedBatch(ns, in.readUTF(), in.readInt(), in.readLong(), in.readInt()));
      }
      if (in.available() > 0) {
        throw new IOException(
            "Cannot read a Shoal committable: " + in.available() + " unexpected trailing bytes");
      }
      return new ShoalCommittable(writerId, ns, checkpointId, position, batches);
    } catch (RuntimeException e) {
      throw new IOException("Cannot read a Shoal committable: " + e.getMessage(), e);
    }
  }
}
