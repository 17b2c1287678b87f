package org.casfs.cas.posix;

/**
 * What {@code lstat} says of one path (from {@code statx}, so the layout is the same on every
 * architecture). Times are nanoseconds since the epoch.
 *
 * @param mode the full {@code st_mode}: type bits and permission bits
 * @param rdev the device number of a device node, as {@code makedev} encodes it
 * @param blocks the 512-byte blocks the file occupies on its disk (fewer than its size when sparse)
 */
public record FileStat(int mode, long uid, long gid, long size, long mtimeNanos, long ctimeNanos,
    long ino, long dev, long nlink, long rdev, long blocks) {
  public static final int S_IFMT = 0170000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFLNK = 0120000;

  public boolean isDirectory() {
    return (mode & S_IFMT) == S_IFDIR;
  }

  public boolean isRegular() {
    return (mode & S_IFMT) == S_IFREG;
  }

  public boolean isSymlink() {
    return (mode & S_IFMT) == S_IFLNK;
  }

  /** The permission bits, setuid, setgid and sticky included. */
  public int permissions() {
    return mode & 07777;
  }
}
