package org.casfs.sync.delta;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Sha256;
import org.casfs.sync.wire.StaticPaths;

/**
 * The fixed header in front of every delta body ({@value #LENGTH} bytes, big-endian):
 *
 * <pre>
 * magic      4  the bytes C S D 0x0a
 * version    1  {@value #VERSION}
 * engine     1  {@link DeltaEngine#id()}
 * old id    20  SHA-1 of the blob the delta applies to
 * new id    20  SHA-1 of the blob it produces
 * new size   8  length of the new blob (the applier's output bound)
 * new sha256 32 SHA-256 of the new blob, checked after applying
 * </pre>
 *
 * A delta file is named {@code {old-id}-{new-id}} ({@link #name()}). Immutable value.
 */
public record DeltaHeader(DeltaEngine engine, ObjectId oldId, Hashes newBlob, long newSize) {
  public static final int LENGTH = 4 + 1 + 1 + ObjectId.LENGTH + ObjectId.LENGTH + 8 + Sha256.LENGTH;
  public static final int VERSION = 1;
  private static final byte[] MAGIC = {'C', 'S', 'D', 0x0A};
  /** Blobs are at most this long ({@link org.casfs.cas.Entry#MAX_SIZE}). */
  public static final long MAX_NEW_SIZE = 1L << 50;

  public DeltaHeader {
    if (engine == null || oldId == null || newBlob == null) {
      throw new NullPointerException("engine, old id and new blob are required");
    }
    if (newSize < 0 || newSize > MAX_NEW_SIZE) {
      throw new IllegalArgumentException("new size out of range: " + newSize);
    }
  }

  public ObjectId newId() {
    return newBlob.id();
  }

  /** {@code {old-id}-{new-id}}. */
  public String name() {
    return name(oldId, newBlob.id());
  }

  public static String name(ObjectId oldId, ObjectId newId) {
    return StaticPaths.deltaName(oldId, newId);
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(LENGTH);
    b.put(MAGIC).put((byte) VERSION).put((byte) engine.id());
    b.put(oldId.toRaw()).put(newBlob.id().toRaw()).putLong(newSize).put(newBlob.sha256().toRaw());
    return b.array();
  }

  /** Reads and checks a header; anything unexpected is a {@link DeltaFormatException}. */
  public static DeltaHeader read(InputStream in) throws IOException {
    byte[] b = in.readNBytes(LENGTH);
    if (b.length != LENGTH) {
      throw new DeltaFormatException("delta is " + b.length + " bytes, shorter than its header");
    }
    return decode(b);
  }

  public static DeltaHeader decode(byte[] b) throws DeltaFormatException {
    if (b.length < LENGTH) {
      throw new DeltaFormatException("delta is " + b.length + " bytes, shorter than its header");
    }
    if (!Arrays.equals(b, 0, 4, MAGIC, 0, 4)) {
      throw new DeltaFormatException("not a casfs delta (bad magic)");
    }
    if (b[4] != VERSION) {
      throw new DeltaFormatException("delta format version " + (b[4] & 0xff) + " is not supported (only "
          + VERSION + "); upgrade casfs");
    }
    DeltaEngine engine = DeltaEngine.fromIdOrNull(b[5] & 0xff);
    if (engine == null) {
      throw new DeltaFormatException("unknown delta engine " + (b[5] & 0xff));
    }
    ByteBuffer buf = ByteBuffer.wrap(b, 6, LENGTH - 6);
    ObjectId oldId = ObjectId.fromRaw(b, 6);
    ObjectId newId = ObjectId.fromRaw(b, 26);
    buf.position(46);
    long newSize = buf.getLong();
    if (newSize < 0 || newSize > MAX_NEW_SIZE) {
      throw new DeltaFormatException("new size out of range: " + newSize);
    }
    Sha256 sha = Sha256.fromRaw(b, 54);
    return new DeltaHeader(engine, oldId, new Hashes(newId, sha), newSize);
  }
}
