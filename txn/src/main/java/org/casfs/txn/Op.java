package org.casfs.txn;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import org.casfs.cas.Hashes;
import org.casfs.cas.Metadata;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Sha256;
import org.casfs.cas.Xattrs;

/**
 * One journaled transaction operation. Replaying the journal's ops in order on the base rebuilds
 * the upper layer exactly; file contents are not in the journal but in the staging data files
 * the ops name. Fields unused by a kind are zero/null.
 *
 * @param path the path acted on (UTF-8 bytes as given)
 * @param path2 the second path of link/rename
 * @param time the operation's time in ns (new mtimes)
 * @param n1 kind-specific: offset, size, mode, uid, rdev
 * @param n2 kind-specific: length, gid, type code
 * @param data the staging data file the op attached, or -1
 */
record Op(Kind kind, String path, String path2, long time, long n1, long n2, int data, byte[] bytes, String text,
    Hashes hashes, Metadata meta) {
  enum Kind {
    CREATE, MKDIR, MKNOD, SYMLINK, LINK, UNLINK, RMDIR, RENAME, CHMOD, CHOWN, UTIMENS, SETXATTR, REMOVEXATTR,
    WRITE, TRUNCATE, GRAFT, IMPORT_STARTED
  }

  static Op of(Kind kind, String path) {
    return new Op(kind, path, null, 0, 0, 0, -1, null, null, null, null);
  }

  Op withPath2(String p) {
    return new Op(kind, path, p, time, n1, n2, data, bytes, text, hashes, meta);
  }

  Op withTime(long t) {
    return new Op(kind, path, path2, t, n1, n2, data, bytes, text, hashes, meta);
  }

  Op withNumbers(long a, long b) {
    return new Op(kind, path, path2, time, a, b, data, bytes, text, hashes, meta);
  }

  Op withData(int d) {
    return new Op(kind, path, path2, time, n1, n2, d, bytes, text, hashes, meta);
  }

  Op withBytes(byte[] b) {
    return new Op(kind, path, path2, time, n1, n2, data, b, text, hashes, meta);
  }

  Op withText(String t) {
    return new Op(kind, path, path2, time, n1, n2, data, bytes, t, hashes, meta);
  }

  Op withTree(Hashes h, Metadata m) {
    return new Op(kind, path, path2, time, n1, n2, data, bytes, text, h, m);
  }

  byte[] encode() {
    try {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(buf);
      out.writeByte(1);
      out.writeByte(kind.ordinal());
      writeString(out, path);
      writeString(out, path2);
      out.writeLong(time);
      out.writeLong(n1);
      out.writeLong(n2);
      out.writeInt(data);
      writeBytes(out, bytes);
      writeString(out, text);
      out.writeBoolean(hashes != null);
      if (hashes != null) {
        out.write(hashes.id().toRaw());
        out.write(hashes.sha256().toRaw());
      }
      out.writeBoolean(meta != null);
      if (meta != null) {
        writeMeta(out, meta);
      }
      return buf.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Op decode(byte[] b) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
    if (in.readByte() != 1) {
      throw new IOException("transaction journal record of unknown format");
    }
    Kind kind = Kind.values()[in.readUnsignedByte()];
    String path = readString(in);
    String path2 = readString(in);
    long time = in.readLong();
    long n1 = in.readLong();
    long n2 = in.readLong();
    int data = in.readInt();
    byte[] bytes = readBytes(in);
    String text = readString(in);
    Hashes hashes = null;
    if (in.readBoolean()) {
      ObjectId id = ObjectId.fromRaw(in.readNBytes(ObjectId.LENGTH));
      hashes = new Hashes(id, Sha256.fromRaw(in.readNBytes(Sha256.LENGTH)));
    }
    Metadata meta = in.readBoolean() ? readMeta(in) : null;
    return new Op(kind, path, path2, time, n1, n2, data, bytes, text, hashes, meta);
  }

  static void writeMeta(DataOutputStream out, Metadata m) throws IOException {
    out.writeInt(m.mode());
    out.writeLong(m.uid());
    out.writeLong(m.gid());
    out.writeLong(m.mtimeNanos());
    out.writeInt(m.xattrs().size());
    for (String n : m.xattrs().names()) {
      writeBytes(out, n.getBytes(StandardCharsets.ISO_8859_1));
      writeBytes(out, m.xattrs().getOrNull(n));
    }
  }

  static Metadata readMeta(DataInputStream in) throws IOException {
    int mode = in.readInt();
    long uid = in.readLong();
    long gid = in.readLong();
    long mtime = in.readLong();
    int n = in.readInt();
    TreeMap<String, byte[]> x = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      x.put(new String(readBytes(in), StandardCharsets.ISO_8859_1), readBytes(in));
    }
    return new Metadata(mode, uid, gid, mtime, Xattrs.of(x));
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] b = readBytes(in);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b == null ? -1 : b.length);
    if (b != null) {
      out.write(b);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < -1 || n > 1 << 24) {
      throw new IOException("transaction journal record has a bad length " + n);
    }
    return n < 0 ? null : in.readNBytes(n);
  }
}
