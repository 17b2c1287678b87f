package org.casfs.txn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The link between a file's access ACL ({@code system.posix_acl_access}) and its permission bits,
 * as a filesystem with POSIX ACLs keeps it (Linux {@code posix_acl_update_mode},
 * {@code posix_acl_equiv_mode} and {@code posix_acl_chmod}):
 *
 * <ul>
 *   <li>setting an access ACL sets the mode's owner, group and other bits from its {@code
 *       USER_OBJ}, {@code MASK} (or {@code GROUP_OBJ} when there is no mask) and {@code OTHER}
 *       entries;
 *   <li>an ACL of only those three base entries says nothing the mode does not, so it is not
 *       kept as an attribute (it is a chmod);
 *   <li>a chmod rewrites the same three entries of a kept ACL from the new mode.
 * </ul>
 *
 * <p>Why here: the kernel does all this itself only for a FUSE server that negotiated {@code
 * FUSE_POSIX_ACL}, which libfuse 2 (protocol 7.19) cannot; it then hands the ACL through as a
 * plain attribute and leaves the mode to the server. Without this, {@code cp -p} (create 0600,
 * then set the ACL) left a 644 file at 600. Extended entries (named users and groups) are kept but
 * not enforced: the kernel checks only the mode (fs/README.md).
 *
 * <p>Format ({@code include/uapi/linux/posix_acl_xattr.h}): a little-endian u32 version 2, then
 * entries of u16 tag, u16 permissions, u32 id. Stateless.
 */
final class PosixAcl {
  static final String ACCESS = "system.posix_acl_access";
  private static final int VERSION = 2;
  private static final int USER_OBJ = 0x01;
  private static final int USER = 0x02;
  private static final int GROUP_OBJ = 0x04;
  private static final int GROUP = 0x08;
  private static final int MASK = 0x10;
  private static final int OTHER = 0x20;

  private PosixAcl() {}

  /**
   * What setting {@code acl} as the access ACL makes of the permission bits {@code mode}
   * (setuid, setgid and sticky are kept).
   *
   * @throws IllegalArgumentException if {@code acl} is not a valid access ACL
   */
  static int modeAfterSetting(byte[] acl, int mode) {
    ByteBuffer b = entries(acl);
    int user = -1;
    int group = -1;
    int mask = -1;
    int other = -1;
    while (b.hasRemaining()) {
      int tag = b.getShort() & 0xffff;
      int perm = b.getShort() & 0xffff;
      b.getInt();
      if ((perm & ~7) != 0) {
        throw new IllegalArgumentException("ACL entry has permission bits other than rwx: " + perm);
      }
      switch (tag) {
        case USER_OBJ -> user = perm;
        case GROUP_OBJ -> group = perm;
        case MASK -> mask = perm;
        case OTHER -> other = perm;
        case USER, GROUP -> { }
        default -> throw new IllegalArgumentException("unknown ACL entry tag " + tag);
      }
    }
    if (user < 0 || group < 0 || other < 0) {
      throw new IllegalArgumentException("an access ACL needs user::, group:: and other:: entries");
    }
    // With named entries the group bits show the mask, the most any of them may get (acl(5)).
    int bits = user << 6 | (mask >= 0 ? mask : group) << 3 | other;
    return (mode & ~0777) | bits;
  }

  /** True if {@code acl} holds only the three base entries, so the mode says it all. */
  static boolean equivalentToMode(byte[] acl) {
    ByteBuffer b = entries(acl);
    while (b.hasRemaining()) {
      int tag = b.getShort() & 0xffff;
      b.getShort();
      b.getInt();
      if (tag == USER || tag == GROUP || tag == MASK) {
        return false;
      }
    }
    return true;
  }

  /** {@code acl} with its owner, mask (or group) and other entries set from {@code mode}. */
  static byte[] afterChmod(byte[] acl, int mode) {
    ByteBuffer b = entries(acl);
    boolean hasMask = false;
    while (b.hasRemaining()) {
      hasMask |= (b.getShort() & 0xffff) == MASK;
      b.getShort();
      b.getInt();
    }
    byte[] out = acl.clone();
    ByteBuffer w = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    for (int at = 4; at < out.length; at += 8) {
      int tag = w.getShort(at) & 0xffff;
      int perm = switch (tag) {
        case USER_OBJ -> mode >> 6 & 7;
        case GROUP_OBJ -> hasMask ? -1 : mode >> 3 & 7;
        case MASK -> mode >> 3 & 7;
        case OTHER -> mode & 7;
        default -> -1;
      };
      if (perm >= 0) {
        w.putShort(at + 2, (short) perm);
      }
    }
    return out;
  }

  private static ByteBuffer entries(byte[] acl) {
    if (acl == null || acl.length < 4 || (acl.length - 4) % 8 != 0) {
      throw new IllegalArgumentException("not a POSIX ACL: " + (acl == null ? 0 : acl.length) + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(acl).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt() != VERSION) {
      throw new IllegalArgumentException("POSIX ACL of unknown version");
    }
    return b;
  }
}
