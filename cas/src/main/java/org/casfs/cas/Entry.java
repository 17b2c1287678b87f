package org.casfs.cas;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a tree: a name, a file type, metadata, and what the entry holds.
 *
 * <ul>
 *   <li>{@link EntryType#REGULAR}: {@code child} names the blob, {@code size} is its length.
 *   <li>{@link EntryType#DIRECTORY}: {@code child} names the tree; {@code size} is 0.
 *   <li>{@link EntryType#SYMLINK}: {@code target} holds the link's bytes; {@code size} is their
 *       length.
 *   <li>devices: {@code rdev} is the device number; fifos and sockets hold nothing.
 * </ul>
 *
 * <p>Hardlinks: entries that are one inode share a non-zero {@code linkGroup}, unique within a
 * manifest, and carry the group's {@code nlink}. Unlinked entries have group 0 and nlink 1.
 * Directories never have a group.
 */
public final class Entry implements Comparable<Entry> {
  public static final int MAX_TARGET = 4095;
  public static final long MAX_SIZE = 1L << 50;

  private final Name name;
  private final EntryType type;
  private final Metadata meta;
  private final long size;
  private final long rdev;
  private final long linkGroup;
  private final int nlink;
  private final Hashes child;
  private final byte[] target;

  private Entry(Name name, EntryType type, Metadata meta, long size, long rdev, long linkGroup,
      int nlink, Hashes child, byte[] target) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.meta = Objects.requireNonNull(meta, "meta");
    this.size = size;
    this.rdev = rdev;
    this.linkGroup = linkGroup;
    this.nlink = nlink;
    this.child = child;
    this.target = target;
    String problem = problemOrNull();
    if (problem != null) {
      throw new IllegalArgumentException(problem + " (entry " + name.printable() + ")");
    }
  }

  private String problemOrNull() {
    if (type.hasChildObject() != (child != null)) {
      return type.hasChildObject() ? "missing child object" : "unexpected child object";
    }
    if ((type == EntryType.SYMLINK) != (target != null)) {
      return type == EntryType.SYMLINK ? "missing symlink target" : "unexpected symlink target";
    }
    if (target != null && (target.length == 0 || target.length > MAX_TARGET || indexOfNul(target) >= 0)) {
      return "symlink target empty, over 4095 bytes or containing NUL";
    }
    if (size < 0 || size > MAX_SIZE) {
      return "size out of range: " + size;
    }
    if (type == EntryType.DIRECTORY && size != 0 || type == EntryType.SYMLINK && size != target.length
        || !(type == EntryType.REGULAR || type == EntryType.SYMLINK) && size != 0) {
      return "size " + size + " does not fit type " + type;
    }
    if (!type.isDevice() && rdev != 0) {
      return "rdev on a non-device";
    }
    if (rdev < 0) {
      return "negative rdev " + rdev;
    }
    if (linkGroup < 0 || type == EntryType.DIRECTORY && linkGroup != 0) {
      return "bad link group";
    }
    if (linkGroup == 0 ? nlink != 1 : nlink < 2) {
      return "nlink " + nlink + " does not fit link group " + linkGroup;
    }
    return null;
  }

  private static int indexOfNul(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  public static Entry file(Name name, Metadata meta, long size, Hashes blob) {
    return new Entry(name, EntryType.REGULAR, meta, size, 0, 0, 1, blob, null);
  }

  public static Entry directory(Name name, Metadata meta, Hashes tree) {
    return new Entry(name, EntryType.DIRECTORY, meta, 0, 0, 0, 1, tree, null);
  }

  public static Entry symlink(Name name, Metadata meta, byte[] target) {
    return new Entry(name, EntryType.SYMLINK, meta, target.length, 0, 0, 1, null, target.clone());
  }

  /** A device node, fifo or socket. */
  public static Entry special(Name name, EntryType type, Metadata meta, long rdev) {
    return new Entry(name, type, meta, 0, rdev, 0, 1, null, null);
  }

  /** The general constructor used by decoders; validates everything. */
  public static Entry of(Name name, EntryType type, Metadata meta, long size, long rdev, long linkGroup,
      int nlink, Hashes child, byte[] target) {
    return new Entry(name, type, meta, size, rdev, linkGroup, nlink, child,
        target == null ? null : target.clone());
  }

  public Entry withName(Name newName) {
    return new Entry(newName, type, meta, size, rdev, linkGroup, nlink, child, target);
  }

  public Entry withMeta(Metadata newMeta) {
    return new Entry(name, type, newMeta, size, rdev, linkGroup, nlink, child, target);
  }

  public Entry withLink(long group, int count) {
    return new Entry(name, type, meta, size, rdev, group, count, child, target);
  }

  /** A regular file entry with other content. */
  public Entry withBlob(long newSize, Hashes blob) {
    if (type != EntryType.REGULAR) {
      throw new IllegalStateException("not a regular file: " + name.printable());
    }
    return new Entry(name, type, meta, newSize, rdev, linkGroup, nlink, blob, target);
  }

  /** A directory entry pointing at another tree. */
  public Entry withTree(Hashes tree) {
    if (type != EntryType.DIRECTORY) {
      throw new IllegalStateException("not a directory: " + name.printable());
    }
    return new Entry(name, type, meta, size, rdev, linkGroup, nlink, tree, target);
  }

  public Name name() {
    return name;
  }

  public EntryType type() {
    return type;
  }

  public Metadata meta() {
    return meta;
  }

  /** Full {@code st_mode}: type bits plus permission bits. */
  public int stMode() {
    return type.modeBits() | meta.mode();
  }

  public long size() {
    return size;
  }

  public long rdev() {
    return rdev;
  }

  public long linkGroup() {
    return linkGroup;
  }

  public int nlink() {
    return nlink;
  }

  /** The blob or tree this entry points at; null for other types. */
  public Hashes child() {
    return child;
  }

  /** The child's id; null for entries without a child object. */
  public ObjectId childId() {
    return child == null ? null : child.id();
  }

  /** The symlink target bytes (a copy), or null. */
  public byte[] target() {
    return target == null ? null : target.clone();
  }

  public boolean isDirectory() {
    return type == EntryType.DIRECTORY;
  }

  public boolean isRegular() {
    return type == EntryType.REGULAR;
  }

  @Override
  public int compareTo(Entry o) {
    return name.compareTo(o.name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry e && name.equals(e.name) && equalsExceptName(e);
  }

  /** True if {@code o} is this entry under another name (or this name): all but the name equal. */
  public boolean equalsExceptName(Entry o) {
    return type == o.type && meta.equals(o.meta) && size == o.size && rdev == o.rdev && linkGroup == o.linkGroup
        && nlink == o.nlink && Objects.equals(child, o.child) && Arrays.equals(target, o.target);
  }

  /** A hash of all but the name, matching {@link #equalsExceptName}. */
  public int hashCodeExceptName() {
    return Objects.hash(type, meta, size, rdev, linkGroup, nlink, child) * 31 + Arrays.hashCode(target);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + hashCodeExceptName();
  }

  @Override
  public String toString() {
    return type + " " + Integer.toOctalString(meta.mode()) + " " + meta.uid() + ":" + meta.gid() + " "
        + size + " " + name.printable() + (child != null ? " " + child.id() : "");
  }
}
