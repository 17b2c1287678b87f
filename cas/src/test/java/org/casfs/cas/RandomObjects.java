package org.casfs.cas;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Random but valid values of the object model, for property tests: every entry type, xattrs in
 * several namespaces, hardlink groups, names with spaces, newlines and non-UTF-8 bytes, extreme
 * numbers. Deterministic for a given {@link Random}.
 */
public final class RandomObjects {
  private final Random rnd;

  public RandomObjects(Random rnd) {
    this.rnd = rnd;
  }

  /** The seed from {@code -Dcasfs.seed=N}, or a fresh one; tests print it when they fail. */
  public static long seed() {
    String s = System.getProperty("casfs.seed");
    return s == null || s.isBlank() ? new Random().nextLong() : Long.parseLong(s.strip());
  }

  public Name name() {
    while (true) {
      int len = switch (rnd.nextInt(10)) {
        case 0 -> Name.MAX_LENGTH;
        case 1 -> 1;
        default -> 1 + rnd.nextInt(24);
      };
      byte[] b = new byte[len];
      for (int i = 0; i < len; i++) {
        int kind = rnd.nextInt(8);
        b[i] = (byte) switch (kind) {
          case 0 -> 0x80 + rnd.nextInt(128); // high bytes, often not UTF-8
          case 1 -> " \n\t.-_\\'\"*?".charAt(rnd.nextInt(11));
          default -> 'a' + rnd.nextInt(26);
        };
      }
      if (Name.problemOrNull(b) == null) {
        return Name.of(b);
      }
    }
  }

  public long anyLong() {
    return switch (rnd.nextInt(6)) {
      case 0 -> Long.MIN_VALUE;
      case 1 -> Long.MAX_VALUE;
      case 2 -> 0;
      case 3 -> -1;
      default -> rnd.nextLong() >> rnd.nextInt(64);
    };
  }

  public Xattrs xattrs() {
    int n = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(4) : 0;
    TreeMap<String, byte[]> m = new TreeMap<>();
    String[] prefixes = {"user.", "security.", "trusted.", "system."};
    for (int i = 0; i < n; i++) {
      StringBuilder name = new StringBuilder(prefixes[rnd.nextInt(prefixes.length)]);
      int len = 1 + rnd.nextInt(12);
      for (int j = 0; j < len; j++) {
        name.append((char) (rnd.nextInt(3) == 0 ? 0x80 + rnd.nextInt(128) : 'a' + rnd.nextInt(26)));
      }
      byte[] value = new byte[rnd.nextInt(5) == 0 ? 0 : rnd.nextInt(64)];
      rnd.nextBytes(value);
      m.put(name.toString(), value);
    }
    return Xattrs.of(m);
  }

  public Metadata metadata() {
    long uid = rnd.nextInt(4) == 0 ? 0xffffffffL : rnd.nextInt(70000);
    long gid = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(70000);
    return new Metadata(rnd.nextInt(07777 + 1), uid, gid, anyLong(), xattrs());
  }

  public Hashes hashes() {
    byte[] a = new byte[ObjectId.LENGTH];
    byte[] b = new byte[Sha256.LENGTH];
    rnd.nextBytes(a);
    rnd.nextBytes(b);
    return new Hashes(ObjectId.fromRaw(a), Sha256.fromRaw(b));
  }

  public byte[] target() {
    byte[] t = new byte[1 + (rnd.nextInt(8) == 0 ? rnd.nextInt(Entry.MAX_TARGET) : rnd.nextInt(40))];
    for (int i = 0; i < t.length; i++) {
      t[i] = (byte) (1 + rnd.nextInt(255));
    }
    return t;
  }

  /** A valid entry of a random type; regular files, symlinks and specials may be in a link group. */
  public Entry entry(Name name) {
    EntryType type = EntryType.values()[rnd.nextInt(EntryType.values().length)];
    Metadata meta = metadata();
    Entry e = switch (type) {
      case REGULAR -> Entry.file(name, meta, rnd.nextInt(3) == 0 ? Entry.MAX_SIZE : rnd.nextInt(1 << 20), hashes());
      case DIRECTORY -> Entry.directory(name, meta, hashes());
      case SYMLINK -> Entry.symlink(name, meta, target());
      case CHAR_DEVICE, BLOCK_DEVICE -> Entry.special(name, type, meta,
          rnd.nextBoolean() ? Long.MAX_VALUE : rnd.nextInt(1 << 20));
      case FIFO, SOCKET -> Entry.special(name, type, meta, 0);
    };
    if (type != EntryType.DIRECTORY && rnd.nextInt(5) == 0) {
      e = e.withLink(rnd.nextBoolean() ? 1 + rnd.nextInt(100) : Long.MAX_VALUE - rnd.nextInt(100),
          2 + (rnd.nextBoolean() ? rnd.nextInt(5) : Integer.MAX_VALUE - 2));
    }
    return e;
  }

  public Tree tree(int maxEntries) {
    int n = rnd.nextInt(maxEntries + 1);
    TreeSet<Name> names = new TreeSet<>();
    while (names.size() < n) {
      names.add(name());
    }
    List<Entry> entries = new ArrayList<>();
    for (Name name : names) {
      entries.add(entry(name));
    }
    return Tree.of(entries);
  }

  public Manifest manifest() {
    StringBuilder label = new StringBuilder();
    int len = rnd.nextInt(5) == 0 ? Manifest.MAX_LABEL : rnd.nextInt(20);
    for (int i = 0; i < len; i++) {
      label.append(switch (rnd.nextInt(4)) {
        case 0 -> 'é';
        case 1 -> '\u4e2d';
        default -> (char) (' ' + rnd.nextInt(95));
      });
    }
    String channel = rnd.nextBoolean() ? "stable" : "school/lab-2.beta_" + rnd.nextInt(100);
    ObjectId parent = rnd.nextBoolean() ? hashes().id() : null;
    long sequence = rnd.nextInt(3) == 0 ? Long.MAX_VALUE : rnd.nextInt(1000);
    return new Manifest(hashes(), metadata(), channel, sequence, label.toString(), parent, anyLong());
  }

  public byte[] bytes(int max) {
    byte[] b = new byte[rnd.nextInt(max + 1)];
    rnd.nextBytes(b);
    return b;
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
