package org.casfs.cas.io;

import java.io.IOException;
import org.casfs.cas.EntryType;
import org.casfs.cas.Metadata;
import org.casfs.cas.posix.DiskFull;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.posix.PosixException;

/**
 * Applies an entry's metadata to a path, in the one order that keeps every bit: owner first
 * (chown clears setuid, setgid and file capabilities), then the mode (chmod after chown keeps
 * setuid), then extended attributes (security.capability survives only after the chown; a
 * POSIX ACL set last agrees with the mode it came with), and the mtime last. Symlinks have no
 * mode of their own to set. Thread-safe.
 */
final class MetadataWriter {
  private MetadataWriter() {}

  /** A directory's default ACL: the kernel copies it onto every file and directory made in it. */
  private static final String DEFAULT_ACL = "system.posix_acl_default";

  /**
   * Makes the checkout's target directory hand nothing down to what the checkout creates in it: a
   * default ACL there (the user's, or the one a new target inherited from its parent) would give
   * every file and directory ACL entries and a mask the version does not have. The target's own
   * attributes become the version's at the end ({@link #applyReplacing}).
   */
  static void stopInheritance(byte[] dir) throws IOException {
    try {
      Posix.removeXattrIfPresent(dir, DEFAULT_ACL);
    } catch (PosixException e) {
      throw refused(e);
    }
  }

  /**
   * {@link #apply} to a directory that was there before the checkout (its target): first removes
   * the extended attributes it has and the version's root lacks, so that it ends with the version's
   * alone. Security attributes stay: the kernel and its security modules manage those.
   */
  static void applyReplacing(byte[] path, EntryType type, Metadata meta) throws IOException {
    try {
      for (String name : Posix.readXattrs(path).keySet()) {
        if (!name.startsWith("security.") && meta.xattrs().getOrNull(name) == null) {
          Posix.removeXattrIfPresent(path, name);
        }
      }
    } catch (PosixException e) {
      if (e.errno() != Posix.EOPNOTSUPP) {
        throw refused(e);
      }
    }
    apply(path, type, meta);
  }

  static void apply(byte[] path, EntryType type, Metadata meta) throws IOException {
    try {
      Posix.lchown(path, meta.uid(), meta.gid());
      if (type != EntryType.SYMLINK) {
        Posix.chmod(path, meta.mode());
      }
      for (String name : meta.xattrs().names()) {
        Posix.setXattr(path, name, meta.xattrs().getOrNull(name));
      }
      Posix.setMtime(path, meta.mtimeNanos());
    } catch (PosixException e) {
      throw refused(e);
    }
  }

  /**
   * {@code e}, said plainly when the target refuses what a version holds: a permission only root
   * has ({@code EPERM}: another owner, a device node, a trusted or security xattr), or, for a
   * process with root's powers, a filesystem that keeps no such thing (FAT keeps no owners,
   * symlinks or device nodes and answers {@code EPERM}; one without xattrs answers {@code
   * EOPNOTSUPP}); extended attributes larger than it keeps for one file ({@code ENOSPC}, which
   * alone would read as a full disk). Any other failure is itself.
   */
  static PosixException refused(PosixException e) {
    String elsewhere = "check the version out onto a Linux filesystem such as ext4, xfs or btrfs, or read it"
        + " with 'casfs mount' or 'casfs cat'";
    if (e.errno() == Posix.EOPNOTSUPP) {
      return e.explained("the filesystem there keeps no such extended attributes; " + elsewhere);
    }
    if (e.errno() == DiskFull.ENOSPC && e.call().equals("lsetxattr")) {
      return e.explained("the filesystem there has no room for the file's extended attributes: its disk is full,"
          + " or they are more than it keeps for one file (ext4 about 4 KiB, xfs and btrfs 64 KiB); free space, or "
          + elsewhere);
    }
    if (e.errno() != Posix.EPERM) {
      return e;
    }
    if (Posix.hasRootPowers()) {
      return e.explained("the filesystem there refuses it even to root (FAT and exFAT keep no owners, symlinks"
          + " or device nodes); " + elsewhere);
    }
    return e.explained("owners, device nodes and trusted or security xattrs are written only by root: run the"
        + " checkout as root, or read the version with 'casfs mount' or 'casfs cat'");
  }
}
