package org.casfs.cas.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.casfs.cas.Entry;
import org.casfs.cas.EntryType;
import org.casfs.cas.Hashes;
import org.casfs.cas.Manifest;
import org.casfs.cas.Metadata;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Seeded;
import org.casfs.cas.Tree;
import org.casfs.cas.Xattrs;
import org.casfs.cas.store.MemoryObjectStore;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.Snapshot;
import org.junit.jupiter.api.Test;

/**
 * Applying the diff of two random versions to the first one's listing gives the second one's,
 * and every change describes what really differs.
 */
class TreeDiffPropertyTest {
  private final MemoryObjectStore store = new MemoryObjectStore();
  private final ObjectDatabase db = new ObjectDatabase(store, 1 << 22);

  /** A directory under construction: name -> leaf entry or subdirectory. */
  private static final class Dir {
    Metadata meta;
    final TreeMap<Name, Object> children = new TreeMap<>();

    Dir(Metadata meta) {
      this.meta = meta;
    }

    Dir copy() {
      Dir d = new Dir(meta);
      children.forEach((k, v) -> d.children.put(k, v instanceof Dir sub ? sub.copy() : v));
      return d;
    }
  }

  private Metadata meta(Random rnd) {
    Xattrs x = rnd.nextInt(6) == 0 ? Xattrs.of(Map.of("user.k", new byte[] {(byte) rnd.nextInt(3)})) : Xattrs.EMPTY;
    return new Metadata(rnd.nextBoolean() ? 0644 : 0755, rnd.nextInt(3), 0, rnd.nextInt(3), x);
  }

  private Object leaf(Random rnd, Name name) throws IOException {
    Metadata m = meta(rnd);
    return switch (rnd.nextInt(5)) {
      case 0, 1 -> {
        byte[] content = ("content " + rnd.nextInt(6)).getBytes(StandardCharsets.UTF_8);
        Hashes h = store.insert(org.casfs.cas.ObjectType.BLOB, content).hashes();
        Entry e = Entry.file(name, m, content.length, h);
        yield rnd.nextInt(6) == 0 ? e.withLink(1 + rnd.nextInt(2), 2) : e;
      }
      case 2 -> Entry.symlink(name, m, ("target" + rnd.nextInt(3)).getBytes(StandardCharsets.UTF_8));
      case 3 -> Entry.special(name, EntryType.FIFO, m, 0);
      default -> Entry.special(name, EntryType.CHAR_DEVICE, m, rnd.nextInt(3));
    };
  }

  private Name name(Random rnd) {
    String[] pool = {"a", "b", "c", "d", "bin", "etc", "x y", "\u00e9t\u00e9"};
    return rnd.nextInt(10) == 0 ? Name.of(new byte[] {'n', (byte) (0x80 + rnd.nextInt(4))})
        : Name.of(pool[rnd.nextInt(pool.length)]);
  }

  private Dir randomDir(Random rnd, int depth) throws IOException {
    Dir d = new Dir(meta(rnd));
    int n = rnd.nextInt(6);
    for (int i = 0; i < n; i++) {
      Name name = name(rnd);
      d.children.put(name, depth > 0 && rnd.nextInt(3) == 0 ? randomDir(rnd, depth - 1) : leaf(rnd, name));
    }
    return d;
  }

  /** Changes a few things anywhere in the tree. */
  private void mutate(Random rnd, Dir d, int depth) throws IOException {
    if (rnd.nextInt(5) == 0) {
      d.meta = meta(rnd);
    }
    for (Name name : new ArrayList<>(d.children.keySet())) {
      Object child = d.children.get(name);
      int roll = rnd.nextInt(10);
      if (roll == 0) {
        d.children.remove(name);
      } else if (roll == 1) {
        d.children.put(name, leaf(rnd, name));
      } else if (roll == 2 && depth > 0) {
        d.children.put(name, randomDir(rnd, depth - 1));
      } else if (child instanceof Dir sub) {
        mutate(rnd, sub, depth - 1);
      }
    }
    if (rnd.nextInt(3) == 0) {
      Name name = name(rnd);
      d.children.putIfAbsent(name, leaf(rnd, name));
    }
  }

  private Hashes write(Dir d) throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<Name, Object> e : d.children.entrySet()) {
      entries.add(e.getValue() instanceof Dir sub ? Entry.directory(e.getKey(), sub.meta, write(sub))
          : ((Entry) e.getValue()).withName(e.getKey()));
    }
    return db.writeTree(Tree.of(entries));
  }

  private ObjectId version(Dir root) throws IOException {
    return db.writeManifest(new Manifest(write(root), root.meta, "stable", 1, "", null, 0)).id();
  }

  /** path -> entry, directories without their tree id (that is what their contents say). */
  private TreeMap<String, String> listing(ObjectId version) throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    Snapshot s = Snapshot.open(db, version);
    out.put("/", describe(s.root()));
    walk(s.root(), "", out);
    return out;
  }

  private void walk(Entry dir, String path, TreeMap<String, String> out) throws IOException {
    for (Entry e : db.readTree(dir.childId()).entries()) {
      String p = path + "/" + e.name().printable();
      out.put(p, describe(e));
      if (e.isDirectory()) {
        walk(e, p, out);
      }
    }
  }

  private static String describe(Entry e) {
    return e.isDirectory() ? "dir " + e.meta() + xattrValues(e) : e.withName(Name.of("x")).toString() + " " + e.meta()
        + xattrValues(e) + " " + e.linkGroup() + "/" + e.nlink() + " " + e.rdev() + " "
        + (e.target() == null ? "" : new String(e.target()));
  }

  /** Xattrs' toString names only the keys; a value change must show too (seed 5467393720988501700). */
  private static String xattrValues(Entry e) {
    StringBuilder sb = new StringBuilder();
    e.meta().xattrs().toMap().forEach((k, v) -> sb.append(' ').append(k).append('=')
        .append(java.util.HexFormat.of().formatHex(v)));
    return sb.toString();
  }

  @Test
  void applyingTheDiffToTheOldListingGivesTheNewOne() throws Exception {
    Seeded.run((rnd, gen) -> {
      for (int round = 0; round < 300; round++) {
        Dir a = randomDir(rnd, 3);
        Dir b = a.copy();
        mutate(rnd, b, 3);
        ObjectId va = version(a);
        ObjectId vb = version(b);
        TreeMap<String, String> before = listing(va);
        TreeMap<String, String> after = listing(vb);
        DiffReport d = new TreeDiff(db).diff(Snapshot.open(db, va), Snapshot.open(db, vb));
        TreeMap<String, String> applied = new TreeMap<>(before);
        for (Change c : d.changes()) {
          String p = c.printablePath();
          switch (c.kind()) {
            case ADDED -> {
              assertThat(before).doesNotContainKey(p);
              applied.put(p, describe(c.after()));
            }
            case REMOVED -> {
              assertThat(applied.get(p)).isEqualTo(describe(c.before()));
              applied.remove(p);
            }
            case CHANGED -> {
              assertThat(c.aspects()).isNotEmpty();
              assertThat(before.get(p)).isEqualTo(describe(c.before()));
              assertThat(describe(c.before())).isNotEqualTo(describe(c.after()));
              applied.put(p, describe(c.after()));
            }
          }
        }
        assertThat(applied).as("round %d", round).isEqualTo(after);
        assertThat(d.changes().isEmpty()).isEqualTo(before.equals(after));
      }
    });
  }
}
