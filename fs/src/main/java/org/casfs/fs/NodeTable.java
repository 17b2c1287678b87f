package org.casfs.fs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.casfs.cas.Entry;
import org.casfs.cas.InodeNumbers;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Snapshot;

/**
 * The nodes the kernel holds, by node id, with the kernel's lookup count of each. A node is
 * named by what it shows, not by the version it was found in: the same path (or hardlink group)
 * with an equal tree entry is the same node in every version. Two consequences the mount is built
 * on:
 *
 * <ul>
 *   <li>A node never changes, so the kernel may cache its attributes, its pages, its symlink
 *       target and its listing for good, and a file opened before a switch keeps reading its own
 *       node, that is its version's bytes, while new lookups find the new version's nodes.
 *   <li>A file or directory that a switch leaves unchanged is the node it was, so its cached pages
 *       and names survive the switch.
 * </ul>
 *
 * A node is dropped when the kernel forgets it (its lookup count reaches 0). The root (node 1) is
 * not kept here: it shows whatever version the mount shows. Thread-safe.
 */
final class NodeTable {
  /** A node: the entry {@code entry} found at {@code path} in {@code snapshot}, under node {@code parentId}. */
  static final class Node {
    final long id;
    final long parentId;
    final Snapshot snapshot;
    final byte[] path;
    final Entry entry;
    /** Inode number: of the path, or of the hardlink group. */
    final long ino;
    private final Key key;
    private long lookups;

    private Node(long id, long parentId, Snapshot snapshot, byte[] path, Entry entry, long ino, Key key) {
      this.id = id;
      this.parentId = parentId;
      this.snapshot = snapshot;
      this.path = path;
      this.entry = entry;
      this.ino = ino;
      this.key = key;
    }

    /** Its attributes, made when asked (a directory's nlink reads its tree), not kept. */
    Attr attr() throws java.io.IOException {
      return SnapshotImage.attrOf(snapshot, entry, path);
    }
  }

  /** Where (the path, or the hardlink group's inode number) and what (the entry, its name aside). */
  private record Key(byte[] where, Entry what) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(where, k.where) && what.equalsExceptName(k.what);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(where) * 31 + what.hashCodeExceptName();
    }
  }

  private final Map<Long, Node> byId = new ConcurrentHashMap<>();
  private final Map<Key, Node> byKey = new HashMap<>();
  /** Nodes in the order they were made (forgotten ones are skipped when met): the oldest first. */
  private final ArrayDeque<Node> order = new ArrayDeque<>();
  private long nextId = 2; // 1 is the root

  /**
   * The node of {@code entry} at {@code path} (looked up under node {@code parentId}), made if the
   * kernel holds none; counts one more lookup of it (the kernel will forget it as many times).
   */
  Node lookedUp(long parentId, Snapshot snapshot, byte[] path, Entry entry) {
    boolean linked = entry.linkGroup() != 0 && !entry.isDirectory();
    long ino = linked ? InodeNumbers.ofLinkGroup(entry.linkGroup()) : InodeNumbers.ofPath(path);
    byte[] where = linked ? longBytes(ino) : path;
    Key key = new Key(where, entry);
    synchronized (byKey) {
      Node n = byKey.get(key);
      if (n == null) {
        n = new Node(nextId++, parentId, snapshot, path, entry, ino, key);
        byKey.put(key, n);
        byId.put(n.id, n);
        order.add(n);
      }
      n.lookups++;
      return n;
    }
  }

  /** The root node as it shows {@code snapshot}: made for each request, never counted. */
  static Node root(Snapshot snapshot) {
    return new Node(FuseWire.ROOT_NODE, 0, snapshot, new byte[] {'/'}, snapshot.root(), InodeNumbers.ROOT, null);
  }

  /** The node with {@code id}, or null if the kernel forgot it (or never had it). */
  Node get(long id) {
    return byId.get(id);
  }

  /** The kernel forgot {@code count} lookups of node {@code id}. */
  void forget(long id, long count) {
    synchronized (byKey) {
      Node n = byId.get(id);
      if (n == null) {
        return;
      }
      n.lookups -= count;
      if (n.lookups <= 0) {
        byId.remove(id);
        byKey.remove(n.key);
      }
    }
  }

  /** Nodes the kernel holds now (besides the root). */
  int size() {
    return byId.size();
  }

  /**
   * The blobs and trees the held nodes show: what reading an open file or listing an open
   * directory may still need, whatever version it came from (gc must keep them).
   */
  Set<ObjectId> objectsShown() {
    Set<ObjectId> ids = new HashSet<>();
    for (Node n : byId.values()) {
      if (n.entry.childId() != null) {
        ids.add(n.entry.childId());
      }
    }
    return ids;
  }

  /**
   * Up to {@code count} of the oldest files (not directories) the kernel still holds, for it to be
   * asked to forget them; they move to the back of the line, so the next call offers others (one
   * the kernel keeps, an open file's, comes round again later).
   */
  List<Node> oldestFiles(int count) {
    List<Node> out = new ArrayList<>(Math.min(count, 4096));
    synchronized (byKey) {
      for (int seen = order.size(); seen > 0 && out.size() < count; seen--) {
        Node n = order.poll();
        if (byId.get(n.id) == n) {
          order.add(n);
          if (!n.entry.isDirectory()) {
            out.add(n);
          }
        }
      }
    }
    return out;
  }

  private static byte[] longBytes(long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }
}
