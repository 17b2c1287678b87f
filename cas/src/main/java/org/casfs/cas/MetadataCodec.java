package org.casfs.cas;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.TreeMap;

/** The shared encoding of {@link Metadata} inside trees and manifests. */
final class MetadataCodec {
  private MetadataCodec() {}

  static void encode(ByteSink out, Metadata m) {
    out.varint(m.mode());
    out.varint(m.uid());
    out.varint(m.gid());
    out.zigzag(m.mtimeNanos());
    Xattrs x = m.xattrs();
    out.varint(x.size());
    for (String name : x.names()) {
      out.lengthPrefixed(name.getBytes(StandardCharsets.ISO_8859_1));
      out.lengthPrefixed(x.getOrNull(name));
    }
  }

  static Metadata decode(ByteSource in) throws CorruptObjectException {
    int mode = (int) in.varint("mode", 0, Metadata.PERMISSION_MASK);
    long uid = in.varint("uid", 0, 0xffffffffL);
    long gid = in.varint("gid", 0, 0xffffffffL);
    long mtime = in.zigzag();
    int count = (int) in.varint("xattr count", 0, Xattrs.MAX_COUNT);
    if (count == 0) {
      return new Metadata(mode, uid, gid, mtime, Xattrs.EMPTY);
    }
    TreeMap<String, byte[]> map = new TreeMap<>();
    byte[] previous = null;
    for (int i = 0; i < count; i++) {
      byte[] name = in.lengthPrefixed("xattr name", Xattrs.MAX_NAME);
      if (name.length == 0 || indexOfNul(name) >= 0) {
        throw in.error("empty xattr name or NUL in it");
      }
      if (previous != null && Arrays.compareUnsigned(previous, name) >= 0) {
        throw in.error("xattr names unsorted or duplicate");
      }
      previous = name;
      map.put(new String(name, StandardCharsets.ISO_8859_1), in.lengthPrefixed("xattr value", Xattrs.MAX_VALUE));
    }
    return new Metadata(mode, uid, gid, mtime, Xattrs.of(map));
  }

  private static int indexOfNul(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        return i;
      }
    }
    return -1;
  }
}
