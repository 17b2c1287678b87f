package org.casfs.txn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.casfs.cas.Entry;
import org.casfs.cas.EntryType;
import org.casfs.cas.Hashes;
import org.casfs.cas.Manifest;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Tree;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.Repository;

/**
 * Turns a transaction's upper layer into objects: changed blobs, then trees bottom-up (a
 * directory whose entries equal its base tree keeps the base id and is not written), then one
 * manifest. Hardlink groups are renumbered only where they must be: base groups keep their
 * numbers, new groups get numbers above every number the base uses.
 */
final class CommitWriter {
  private final Repository repo;
  private final Transactions owner;
  private final Transaction txn;
  private final UpperLayer layer;
  private final ObjectDatabase objects;
  private final Map<Node, Hashes> blobs = new IdentityHashMap<>();
  private final Map<Node, Long> newGroups = new IdentityHashMap<>();
  private long nextGroup = -1;
  private int treesWritten;

  CommitWriter(Repository repo, Transactions owner, Transaction txn) {
    this.repo = repo;
    this.owner = owner;
    this.txn = txn;
    this.layer = txn.layer;
    this.objects = repo.objectDatabase();
  }

  CommitResult commit(String label) throws IOException {
    if (!layer.touchedGroups.isEmpty()) {
      materializeTouchedGroups(layer.root);
    }
    Hashes root = writeDir(layer.root);
    Manifest baseManifest = txn.base() == null ? null : objects.readManifest(txn.base());
    boolean empty = baseManifest != null && baseManifest.root().equals(root)
        && baseManifest.rootMeta().equals(layer.root.meta);
    Manifest m = new Manifest(root, layer.root.meta, repo.config().channel(),
        baseManifest == null ? 1 : baseManifest.sequence() + 1, label, txn.base(), owner.clockMillis());
    ObjectId id = objects.writeManifest(m).id();
    repo.flush();
    owner.committed(txn, id, m);
    // Files held open past the commit read what it wrote: their staging files go with the
    // transaction, their blobs stay.
    blobs.forEach((n, h) -> {
      n.blob = h;
      n.data = -1;
    });
    return new CommitResult(id, empty, treesWritten, blobs.size());
  }

  private Hashes writeDir(Node dir) throws IOException {
    if (dir.children == null) {
      return dir.baseTree;
    }
    List<Entry> entries = new ArrayList<>(dir.children.size());
    for (Map.Entry<Name, Node> e : dir.children.entrySet()) {
      entries.add(entry(e.getKey(), e.getValue()));
    }
    Tree tree = Tree.ofSorted(entries);
    if (dir.baseTree != null && objects.readTree(dir.baseTree.id()).equals(tree)) {
      return dir.baseTree;
    }
    treesWritten++;
    return objects.writeTree(tree);
  }

  private Entry entry(Name name, Node n) throws IOException {
    return switch (n.type) {
      case DIRECTORY -> Entry.directory(name, n.meta, writeDir(n));
      case REGULAR -> linked(Entry.file(name, n.meta, n.size, blob(n)), n);
      case SYMLINK -> linked(Entry.symlink(name, n.meta, n.target), n);
      default -> linked(Entry.special(name, n.type, n.meta, n.rdev), n);
    };
  }

  private Entry linked(Entry e, Node n) throws IOException {
    if (n.nlink < 2) {
      return e;
    }
    long group = n.baseGroup;
    if (group == 0) {
      Long g = newGroups.get(n);
      if (g == null) {
        g = allocateGroup();
        newGroups.put(n, g);
      }
      group = g;
    }
    return e.withLink(group, n.nlink);
  }

  private Hashes blob(Node n) throws IOException {
    if (n.data < 0) {
      return n.blob;
    }
    Hashes h = blobs.get(n);
    if (h == null) {
      var ch = txn.channel(n.data);
      ch.position(0);
      // Not closed: closing the stream would close the transaction's channel.
      InputStream in = Channels.newInputStream(ch);
      h = repo.objects().insertBlob(new NonClosing(in), n.size, null).hashes();
      blobs.put(n, h);
    }
    return h;
  }

  private long allocateGroup() throws IOException {
    if (nextGroup < 0) {
      long[] max = {0};
      if (layer.groupSource != null) {
        maxGroup(layer.groupSource.id(), max, new HashMap<>());
      }
      nextGroup = max[0] + 1;
    }
    return nextGroup++;
  }

  private void maxGroup(ObjectId tree, long[] max, Map<ObjectId, Boolean> seen) throws IOException {
    if (seen.put(tree, Boolean.TRUE) != null) {
      return;
    }
    for (Entry e : objects.readTree(tree).entries()) {
      max[0] = Math.max(max[0], e.linkGroup());
      if (e.isDirectory()) {
        maxGroup(e.childId(), max, seen);
      }
    }
  }

  /** Materializes every directory that holds a name of a base link group whose inode changed. */
  private void materializeTouchedGroups(Node dir) throws IOException {
    Map<ObjectId, Boolean> memo = new HashMap<>();
    walk(dir, memo);
  }

  private void walk(Node dir, Map<ObjectId, Boolean> memo) throws IOException {
    if (dir.children == null && !holdsTouched(dir.baseTree.id(), memo)) {
      return;
    }
    for (Node c : new ArrayList<>(layer.children(dir).values())) {
      if (c.type == EntryType.DIRECTORY) {
        walk(c, memo);
      }
    }
  }

  private boolean holdsTouched(ObjectId tree, Map<ObjectId, Boolean> memo) throws IOException {
    Boolean known = memo.get(tree);
    if (known != null) {
      return known;
    }
    boolean found = false;
    for (Entry e : objects.readTree(tree).entries()) {
      if (e.linkGroup() != 0 && layer.touchedGroups.contains(e.linkGroup())
          || e.isDirectory() && holdsTouched(e.childId(), memo)) {
        found = true;
        break;
      }
    }
    memo.put(tree, found);
    return found;
  }

  /** Lets insertBlob close its stream without closing the transaction's channel. */
  private static final class NonClosing extends java.io.FilterInputStream {
    NonClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
    }
  }
}
