package org.casfs.txn;

import java.nio.ByteBuffer;
import org.casfs.cas.ObjectId;

/**
 * A version in the repository's version index ({@code txn-versions}): the manifest's creation
 * time and sequence, and the order in which this repository registered it. Encoded as three
 * big-endian longs; an entry written before the order was kept has two, and reads as order 0.
 */
record VersionEntry(ObjectId id, long created, long sequence, long order) {
  byte[] encode() {
    return ByteBuffer.allocate(24).putLong(created).putLong(sequence).putLong(order).array();
  }

  static VersionEntry decode(byte[] key, byte[] value) {
    ByteBuffer b = ByteBuffer.wrap(value);
    long created = b.getLong();
    long sequence = b.getLong();
    long order = b.remaining() >= 8 ? b.getLong() : 0;
    return new VersionEntry(ObjectId.fromRaw(key), created, sequence, order);
  }
}
