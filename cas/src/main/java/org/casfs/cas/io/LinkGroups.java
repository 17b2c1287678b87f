package org.casfs.cas.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.casfs.cas.ObjectId;
import org.casfs.cas.posix.FileStat;
import org.casfs.cas.posix.Posix;

/**
 * Hardlink groups of one import: the paths in the tree that are one inode. A group's id is
 * derived from its content alone (the first path in byte order, relative to the imported root,
 * and the blob id), so the same tree gives the same ids, and so the same tree ids, on any
 * machine; a group whose inode has only one path inside the tree is no group. Not thread-safe.
 */
final class LinkGroups {
  /** Link id and in-tree link count of one inode. */
  record Group(long id, int nlink) {}

  private final Map<InodeKey, List<ScannedNode>> byInode = new HashMap<>();
  private final int rootPrefixLength;

  /** @param rootPrefixLength bytes of the root path and its slash, cut to make paths relative */
  LinkGroups(int rootPrefixLength) {
    this.rootPrefixLength = rootPrefixLength;
  }

  /**
   * One inode. equals and hashCode are written out: a record's go through an invokedynamic
   * bootstrap on first use, ~10 ms of a command's start in a wall profile of importing Debian v1
   * (it holds hard links).
   */
  private record InodeKey(long dev, long ino) {
    @Override
    public boolean equals(Object o) {
      return o instanceof InodeKey k && k.dev == dev && k.ino == ino;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(dev * 31 + ino);
    }
  }

  /**
   * Notes a non-directory with {@code nlink > 1}; returns the first node seen for its inode
   * (itself if first), so the file is read once. Another path of an inode must find it as the
   * first did: it takes the first path's bytes, so an inode written, chmod'ed or given other xattrs
   * between the two {@code lstat}s would be one file in two states in the version (fsck: "the
   * entry says 22 bytes, the stored blob has 17"). That is the tree changing under the import.
   */
  ScannedNode add(ScannedNode node) throws IOException {
    List<ScannedNode> nodes = byInode.computeIfAbsent(new InodeKey(node.stat.dev(), node.stat.ino()),
        k -> new ArrayList<>(2));
    ScannedNode first = nodes.isEmpty() ? node : nodes.get(0);
    if (first != node && !sameState(first, node)) {
      throw TreeChanged.changed(node.path(), "it is a hard link of " + Posix.printable(first.path())
          + ", and their file changed between the two were read", null);
    }
    nodes.add(node);
    return first;
  }

  private static boolean sameState(ScannedNode first, ScannedNode node) {
    FileStat a = first.stat;
    FileStat b = node.stat;
    return a.mode() == b.mode() && a.size() == b.size() && a.mtimeNanos() == b.mtimeNanos()
        && a.ctimeNanos() == b.ctimeNanos() && a.uid() == b.uid() && a.gid() == b.gid() && a.rdev() == b.rdev()
        && Objects.equals(first.xattrs, node.xattrs) && Arrays.equals(first.target, node.target);
  }

  /** Assigns ids once every blob is known: node to its group; unlinked nodes are absent. */
  Map<ScannedNode, Group> assign() {
    List<List<ScannedNode>> groups = new ArrayList<>();
    for (List<ScannedNode> nodes : byInode.values()) {
      if (nodes.size() > 1) {
        nodes.sort((a, b) -> Arrays.compareUnsigned(a.path(), b.path()));
        groups.add(nodes);
      }
    }
    // Sorted by first path, so that the rare id collision resolves the same way everywhere.
    groups.sort((a, b) -> Arrays.compareUnsigned(a.get(0).path(), b.get(0).path()));
    Map<ScannedNode, Group> out = new HashMap<>();
    Set<Long> used = new HashSet<>();
    for (List<ScannedNode> nodes : groups) {
      ScannedNode first = nodes.get(0);
      byte[] path = first.path();
      byte[] rel = Arrays.copyOfRange(path, rootPrefixLength, path.length);
      long id = idOf(rel, first.blobHashes() == null ? null : first.blobHashes().id());
      while (!used.add(id)) {
        id = id == Long.MAX_VALUE ? 1 : id + 1;
      }
      Group g = new Group(id, nodes.size());
      for (ScannedNode n : nodes) {
        out.put(n, g);
      }
    }
    return out;
  }

  /** A positive 63-bit id from the group's first relative path and blob id. */
  static long idOf(byte[] firstRelativePath, ObjectId blobOrNull) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update("casfs-link-group\0".getBytes(StandardCharsets.US_ASCII));
      sha1.update(firstRelativePath);
      sha1.update((byte) 0);
      if (blobOrNull != null) {
        sha1.update(blobOrNull.toRaw());
      }
      long id = ByteBuffer.wrap(sha1.digest()).getLong() & Long.MAX_VALUE;
      return id == 0 ? 1 : id;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-1", e);
    }
  }
}
