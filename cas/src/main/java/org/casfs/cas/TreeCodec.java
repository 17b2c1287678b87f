package org.casfs.cas;

import java.util.ArrayList;
import java.util.List;

/**
 * The canonical binary encoding of a {@link Tree}; a tree's id is the SHA-1 of these bytes.
 *
 * <pre>
 * tree     = u8 version(1)  varint count  entry*            (entries strictly sorted by name bytes)
 * entry    = bytes name  u8 type  metadata  body  varint linkGroup  [varint nlink if linkGroup != 0]
 * metadata = varint mode(&lt;= 07777)  varint uid  varint gid  zigzag mtimeNanos
 *            varint xattrCount  (bytes name  bytes value)*  (xattrs strictly sorted by name bytes)
 * body     = REGULAR: varint size  sha1[20] sha256[32]
 *            DIRECTORY: sha1[20] sha256[32]
 *            SYMLINK: bytes target
 *            CHAR/BLOCK_DEVICE: varint rdev
 *            FIFO/SOCKET: nothing
 * bytes    = varint length  byte*
 * </pre>
 *
 * Varints are unsigned LEB128 in shortest form. Decoding is strict and total: anything that the
 * encoder would not produce is a {@link CorruptObjectException} naming the tree.
 */
public final class TreeCodec {
  public static final int VERSION = 1;

  private TreeCodec() {}

  /** @throws IllegalArgumentException if the encoding would exceed {@link Tree#MAX_ENCODED_BYTES} */
  public static byte[] encode(Tree tree) {
    ByteSink out = new ByteSink(64 + tree.size() * 96);
    out.u8(VERSION);
    out.varint(tree.size());
    for (Entry e : tree.entries()) {
      out.lengthPrefixed(e.name().bytes());
      out.u8(e.type().code());
      MetadataCodec.encode(out, e.meta());
      switch (e.type()) {
        case REGULAR -> {
          out.varint(e.size());
          out.hashes(e.child());
        }
        case DIRECTORY -> out.hashes(e.child());
        case SYMLINK -> out.lengthPrefixed(e.target());
        case CHAR_DEVICE, BLOCK_DEVICE -> out.varint(e.rdev());
        case FIFO, SOCKET -> { }
      }
      out.varint(e.linkGroup());
      if (e.linkGroup() != 0) {
        out.varint(e.nlink());
      }
    }
    byte[] bytes = out.toByteArray();
    if (bytes.length > Tree.MAX_ENCODED_BYTES) {
      throw new IllegalArgumentException("a directory of " + tree.size() + " entries makes a tree of " + bytes.length
          + " bytes, more than the " + Tree.MAX_ENCODED_BYTES + " a tree may take");
    }
    return bytes;
  }

  /**
   * Decodes a tree.
   *
   * @param id the tree's name, for error messages (may be null for unnamed bytes)
   */
  public static Tree decode(ObjectId id, byte[] bytes) throws CorruptObjectException {
    ByteSource in = new ByteSource(id, "tree", bytes);
    if (bytes.length > Tree.MAX_ENCODED_BYTES) {
      throw in.error(bytes.length + " bytes, more than the " + Tree.MAX_ENCODED_BYTES + " a tree may take");
    }
    int version = in.u8();
    if (version != VERSION) {
      throw in.error("unknown tree format version " + version);
    }
    int count = (int) in.varint("entry count", 0, Tree.MAX_ENTRIES);
    // Each entry takes at least 9 bytes: refuse counts the bytes cannot hold before allocating.
    if (count > bytes.length / 9) {
      throw in.error("entry count " + count + " larger than the bytes can hold");
    }
    List<Entry> entries = new ArrayList<>(count);
    Name previous = null;
    for (int i = 0; i < count; i++) {
      byte[] rawName = in.lengthPrefixed("name", Name.MAX_LENGTH);
      String problem = Name.problemOrNull(rawName);
      if (problem != null) {
        throw in.error(problem + " in entry " + i + " (" + Name.printable(rawName) + ")");
      }
      Name name = Name.of(rawName);
      if (previous != null && previous.compareTo(name) >= 0) {
        throw in.error("names unsorted or duplicate at " + name.printable());
      }
      previous = name;
      int code = in.u8();
      EntryType type = EntryType.fromCodeOrNull(code);
      if (type == null) {
        throw in.error("unknown entry type " + code + " for " + name.printable());
      }
      Metadata meta = MetadataCodec.decode(in);
      long size = 0;
      long rdev = 0;
      Hashes child = null;
      byte[] target = null;
      switch (type) {
        case REGULAR -> {
          size = in.varint("file size", 0, Entry.MAX_SIZE);
          child = in.hashes();
        }
        case DIRECTORY -> child = in.hashes();
        case SYMLINK -> {
          target = in.lengthPrefixed("symlink target", Entry.MAX_TARGET);
          size = target.length;
        }
        case CHAR_DEVICE, BLOCK_DEVICE -> rdev = in.varint();
        case FIFO, SOCKET -> { }
      }
      long linkGroup = in.varint();
      int nlink = linkGroup == 0 ? 1 : (int) in.varint("nlink", 2, Integer.MAX_VALUE);
      try {
        entries.add(Entry.of(name, type, meta, size, rdev, linkGroup, nlink, child, target));
      } catch (IllegalArgumentException e) {
        throw in.error(e.getMessage());
      }
    }
    in.expectEnd();
    return Tree.ofSorted(entries);
  }
}
