package org.casfs.sync.wire;

import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;

/**
 * The header before each object in a fetch stream. For blobs, trees and manifests {@code hashes}
 * and {@code size} are the object's own; for other types (deltas) {@code hashes} name the object
 * the payload reconstructs and {@code size} is the payload's length. A header is a claim by an
 * untrusted source: the puller checks it against the tree entry that names the object.
 *
 * @param type one of {@link #BLOB}, {@link #TREE}, {@link #MANIFEST} or an extension code
 */
public record FrameHeader(int type, Hashes hashes, long size) {
  public static final int END = 0;
  public static final int BLOB = 1;
  public static final int TREE = 2;
  public static final int MANIFEST = 3;
  /** Codes from here on are for extensions (deltas); a reader without a decoder for one stops. */
  public static final int FIRST_EXTENSION = 16;
  /** header = u8 type, sha1[20], sha256[32], u64 size */
  public static final int LENGTH = 1 + 20 + 32 + 8;

  public ObjectId id() {
    return hashes.id();
  }
}
