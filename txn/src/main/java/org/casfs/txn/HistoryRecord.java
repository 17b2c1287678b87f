package org.casfs.txn;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.casfs.cas.ObjectId;

/**
 * One move of {@code current}, appended by every flip in the same write batch.
 *
 * @param seq position in the history, from 1, strictly increasing
 * @param timeMillis when, milliseconds since the epoch
 * @param from the previous {@code current}, or null for the first flip
 * @param to the new {@code current}
 * @param reason free text from the caller ("switch", "pull of seq 12", ...)
 * @param who what kind of caller
 */
public record HistoryRecord(long seq, long timeMillis, ObjectId from, ObjectId to, String reason, Actor who) {
  public HistoryRecord {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(who, "who");
  }

  byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(1);
      out.writeLong(seq);
      out.writeLong(timeMillis);
      out.writeBoolean(from != null);
      if (from != null) {
        out.write(from.toRaw());
      }
      out.write(to.toRaw());
      out.writeByte(who.ordinal());
      byte[] r = reason.getBytes(StandardCharsets.UTF_8);
      out.writeInt(r.length);
      out.write(r);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HistoryRecord decode(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
    if (in.readByte() != 1) {
      throw new IOException("history record of unknown format version");
    }
    long seq = in.readLong();
    long time = in.readLong();
    ObjectId from = null;
    if (in.readBoolean()) {
      from = readId(in);
    }
    ObjectId to = readId(in);
    Actor who = Actor.fromCode(in.readUnsignedByte());
    int len = in.readInt();
    if (len < 0 || len > bytes.length) {
      throw new IOException("history record " + seq + " has a bad reason length");
    }
    byte[] r = in.readNBytes(len);
    return new HistoryRecord(seq, time, from, to, new String(r, StandardCharsets.UTF_8), who);
  }

  private static ObjectId readId(DataInputStream in) throws IOException {
    byte[] raw = in.readNBytes(ObjectId.LENGTH);
    if (raw.length != ObjectId.LENGTH) {
      throw new IOException("history record truncated");
    }
    return ObjectId.fromRaw(raw);
  }
}
