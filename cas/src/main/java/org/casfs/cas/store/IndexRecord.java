package org.casfs.cas.store;

import java.nio.ByteBuffer;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Sha256;

/**
 * The value a {@link DiskObjectStore} keeps for each object in its RocksDB index, keyed by the
 * raw SHA-1: {@code u8 type, u64 size (big-endian), sha256[32], u8 loose} (1 = the bytes are a
 * loose file, 0 = they are in the data column). Stateless.
 */
final class IndexRecord {
  static final int LENGTH = 1 + 8 + Sha256.LENGTH + 1;

  private IndexRecord() {}

  static byte[] encode(ObjectType type, long size, Sha256 sha256, boolean loose) {
    ByteBuffer b = ByteBuffer.allocate(LENGTH);
    b.put((byte) type.code()).putLong(size);
    sha256.copyTo(b.array(), 9);
    b.position(9 + Sha256.LENGTH);
    b.put((byte) (loose ? 1 : 0));
    return b.array();
  }

  /** The object the record describes; a record of another length or type is damage. */
  static ObjectInfo decode(ObjectId id, byte[] rec) throws CorruptObjectException {
    if (rec.length != LENGTH) {
      throw new CorruptObjectException(id, "its index record has " + rec.length + " bytes", "run 'casfs fsck'");
    }
    ObjectType type = ObjectType.fromCodeOrNull(rec[0]);
    if (type == null) {
      throw new CorruptObjectException(id, "its index record names unknown type " + rec[0]);
    }
    long size = ByteBuffer.wrap(rec, 1, 8).getLong();
    return new ObjectInfo(id, type, size, Sha256.fromRaw(rec, 9));
  }

  /** True if a well-formed record says the bytes are a loose file. */
  static boolean isLoose(byte[] rec) {
    return rec.length == LENGTH && rec[LENGTH - 1] == 1;
  }
}
