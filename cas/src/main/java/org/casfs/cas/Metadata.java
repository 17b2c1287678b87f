package org.casfs.cas;

/**
 * The inode metadata an image reproduces for every entry: permission bits (including setuid,
 * setgid and sticky, without the file type), owner, group, modification time in nanoseconds since
 * the epoch, and extended attributes.
 */
public record Metadata(int mode, long uid, long gid, long mtimeNanos, Xattrs xattrs) {
  public static final int PERMISSION_MASK = 07777;

  public Metadata {
    if ((mode & ~PERMISSION_MASK) != 0) {
      throw new IllegalArgumentException("mode has bits outside 07777: " + Integer.toOctalString(mode));
    }
    if (uid < 0 || uid > 0xffffffffL || gid < 0 || gid > 0xffffffffL) {
      throw new IllegalArgumentException("uid/gid out of range: " + uid + "/" + gid);
    }
    if (xattrs == null) {
      throw new NullPointerException("xattrs");
    }
  }

  public static Metadata of(int mode, long uid, long gid, long mtimeNanos) {
    return new Metadata(mode, uid, gid, mtimeNanos, Xattrs.EMPTY);
  }

  public Metadata withMode(int newMode) {
    return new Metadata(newMode, uid, gid, mtimeNanos, xattrs);
  }

  public Metadata withOwner(long newUid, long newGid) {
    return new Metadata(mode, newUid, newGid, mtimeNanos, xattrs);
  }

  public Metadata withMtime(long newMtimeNanos) {
    return new Metadata(mode, uid, gid, newMtimeNanos, xattrs);
  }

  public Metadata withXattrs(Xattrs newXattrs) {
    return new Metadata(mode, uid, gid, mtimeNanos, newXattrs);
  }
}
