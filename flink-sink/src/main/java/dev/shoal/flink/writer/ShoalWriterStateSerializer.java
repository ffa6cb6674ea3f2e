package dev.shoal.flink.writer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Stores writer state in Flink checkpoints, versioned like the committables.
 *
 * <p>Version 1: magic {@code SHFW}, writer id, checkpoint id.
 */
public final class ShoalWriterStateSerializer
    implements SimpleVersionedSerializer<ShoalWriterState> {
  static final int MAGIC = 0x53484657; // "SHFW"
  static final int VERSION = 1;

  @Override
  public int getVersion() {
    return VERSION;
  }

  @Override
  public byte[] serialize(ShoalWriterState state) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeUTF(state.writerId());
      out.writeLong(state.checkpointId());
    }
    return bytes.toByteArray();
  }

  @Override
  public ShoalWriterState deserialize(int version, byte[] serialized) throws IOException {
    if (version != VERSION) {
      throw new IOException(
          "Cannot read Shoal writer state of version "
              + version
              + ": this sink reads version "
              + VERSION
              + " (was the checkpoint written by a newer release?)");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
      int magic = in.readInt();
      if (magic != MAGIC) {
        throw new IOException(
            "Cannot read Shoal writer state: bad magic 0x" + Integer.toHexString(magic));
      }
      return new ShoalWriterState(in.readUTF(), in.readLong());
    }
  }
}
