package org.casfs.cas.check;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.casfs.cas.Entry;
import org.casfs.cas.EntryType;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Tree;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.Snapshot;

/**
 * The differences between two versions' trees. Walks only subtrees whose ids differ: two
 * versions that share most directories cost time in proportion to what changed. Everything inside
 * an added or removed directory is listed too. Thread-safe (holds no state between calls).
 *
 * <pre>
 * DiffReport d = new TreeDiff(repo.objectDatabase()).diff(Snapshot.open(db, a), Snapshot.open(db, b));
 * d.changes().forEach(System.out::println);
 * System.out.println(d.summary());
 * </pre>
 */
public final class TreeDiff {
  private final ObjectDatabase db;

  public TreeDiff(ObjectDatabase db) {
    this.db = db;
  }

  /** Receives changes as they are found, in path order. */
  @FunctionalInterface
  public interface Sink {
    void accept(Change change) throws IOException;
  }

  /** Every change from {@code from} to {@code to}, with totals. */
  public DiffReport diff(Snapshot from, Snapshot to) throws IOException {
    List<Change> changes = new ArrayList<>();
    long[] t = new long[6];
    walk(from, to, c -> {
      changes.add(c);
      boolean sized = c.after() != null && !c.after().isDirectory() || c.before() != null && !c.before().isDirectory();
      switch (c.kind()) {
        case ADDED -> {
          t[0]++;
          t[3] += sized ? c.sizeAfter() : 0;
        }
        case REMOVED -> {
          t[1]++;
          t[4] += sized ? c.sizeBefore() : 0;
        }
        case CHANGED -> {
          t[2]++;
          if (!c.isMetadataOnly()) {
            t[5] += c.sizeAfter();
          }
        }
      }
    });
    return new DiffReport(changes, t[0], t[1], t[2], t[3], t[4], t[5]);
  }

  /** Streams the changes from {@code from} to {@code to} into {@code sink}, in path order. */
  public void walk(Snapshot from, Snapshot to, Sink sink) throws IOException {
    compare(new ArrayList<>(), from.root(), to.root(), sink);
  }

  /** Compares two entries at the same path (the root has an empty path). */
  private void compare(List<Name> path, Entry a, Entry b, Sink sink) throws IOException {
    Set<Change.Aspect> aspects = Change.compare(a, b);
    if (!aspects.isEmpty()) {
      sink.accept(new Change(Change.Kind.CHANGED, path, a, b, aspects));
    }
    if (a.isDirectory() && b.isDirectory()) {
      if (!a.child().equals(b.child())) {
        compareTrees(path, db.readTree(a.childId()), db.readTree(b.childId()), sink);
      }
    } else if (a.isDirectory()) {
      listAll(Change.Kind.REMOVED, path, a.childId(), sink);
    } else if (b.isDirectory()) {
      listAll(Change.Kind.ADDED, path, b.childId(), sink);
    }
  }

  /** Merges two sorted entry lists. */
  private void compareTrees(List<Name> path, Tree a, Tree b, Sink sink) throws IOException {
    List<Entry> x = a.entries();
    List<Entry> y = b.entries();
    int i = 0;
    int j = 0;
    while (i < x.size() || j < y.size()) {
      int c = i == x.size() ? 1 : j == y.size() ? -1 : x.get(i).name().compareTo(y.get(j).name());
      if (c < 0) {
        removedOrAdded(Change.Kind.REMOVED, path, x.get(i++), sink);
      } else if (c > 0) {
        removedOrAdded(Change.Kind.ADDED, path, y.get(j++), sink);
      } else {
        Entry ea = x.get(i++);
        Entry eb = y.get(j++);
        if (!ea.equals(eb)) {
          compare(child(path, ea.name()), ea, eb, sink);
        }
      }
    }
  }

  private void removedOrAdded(Change.Kind kind, List<Name> parent, Entry e, Sink sink) throws IOException {
    List<Name> path = child(parent, e.name());
    sink.accept(new Change(kind, path, kind == Change.Kind.REMOVED ? e : null, kind == Change.Kind.ADDED ? e : null,
        Set.of()));
    if (e.type() == EntryType.DIRECTORY) {
      listAll(kind, path, e.childId(), sink);
    }
  }

  private void listAll(Change.Kind kind, List<Name> path, ObjectId tree, Sink sink) throws IOException {
    for (Entry e : db.readTree(tree).entries()) {
      removedOrAdded(kind, path, e, sink);
    }
  }

  private static List<Name> child(List<Name> parent, Name name) {
    List<Name> p = new ArrayList<>(parent.size() + 1);
    p.addAll(parent);
    p.add(name);
    return p;
  }
}
