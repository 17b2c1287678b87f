package org.casfs.fs;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.casfs.cas.Entry;
import org.casfs.cas.Name;
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
  /** Stands in for every name in a key: a node is keyed by its path, not its last name twice. */
  private static final Name ANY = Name.of("n");

  /** A node: the entry {@code entry} found at {@code path} in {@code snapshot}. */
  static final class Node {
    final long id;
    final Snapshot snapshot;
    final byte[] path;
    final Entry entry;
    final Attr attr;
    private final Key key;
    private long lookups;

    private Node(long id, Snapshot snapshot, byte[] path, Entry entry, Attr attr, Key key) {
      this.id = id;
      this.snapshot = snapshot;
      this.path = path;
      this.entry = entry;
      this.attr = attr;
      this.key = key;
    }
  }

  /** Where (the path, or the hardlink group's inode number) and what (the entry without its name). */
  private record Key(byte[] where, Entry what) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(where, k.where) && what.equals(k.what);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(where) * 31 + what.hashCode();
    }
  }

  private final Map<Long, Node> byId = new ConcurrentHashMap<>();
  private final Map<Key, Node> byKey = new HashMap<>();
  private long nextId = 2; // 1 is the root

  /**
   * The node of {@code entry} at {@code path}, made if the kernel holds none; counts one more
   * lookup of it (the kernel will forget it as many times).
   */
  Node lookedUp(Snapshot snapshot, byte[] path, Entry entry, Attr attr) {
    byte[] where = entry.linkGroup() != 0 && !entry.isDirectory() ? longBytes(attr.ino()) : path;
    Key key = new Key(where, entry.withName(ANY));
    synchronized (byKey) {
      Node n = byKey.get(key);
      if (n == null) {
        n = new Node(nextId++, snapshot, path, entry, attr, key);
        byKey.put(key, n);
        byId.put(n.id, n);
      }
      n.lookups++;
      return n;
    }
  }

  /** The root node as it shows {@code snapshot}: made for each request, never counted. */
  static Node root(Snapshot snapshot, Attr attr, byte[] path) {
    return new Node(FuseWire.ROOT_NODE, snapshot, path, snapshot.root(), attr, null);
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

  private static byte[] longBytes(long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }
}
