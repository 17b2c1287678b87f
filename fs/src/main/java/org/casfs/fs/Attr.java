package org.casfs.fs;

/**
 * What {@code stat} reports for one file, in kernel terms: the full {@code st_mode} (type bits
 * and all permission bits, setuid/setgid/sticky included), times in nanoseconds since the epoch,
 * {@code blocks} in 512-byte units. A value; no FUSE types.
 */
public record Attr(long ino, int mode, int nlink, long uid, long gid, long rdev, long size, long blocks,
    long mtimeNanos, long ctimeNanos) {

  /** 512-byte blocks a file of {@code size} bytes occupies (what {@code du} expects). */
  public static long blocksFor(long size) {
    return (size + 511) / 512;
  }

  public boolean isDirectory() {
    return (mode & 0170000) == 0040000;
  }
}
