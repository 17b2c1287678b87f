package org.casfs.cas.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.casfs.cas.Entry;
import org.casfs.cas.Metadata;
import org.casfs.cas.Name;

/**
 * One path that differs between two versions. Immutable.
 *
 * @param kind added, removed or changed
 * @param path the names from the root (empty for the root directory itself)
 * @param before the entry in the old version (null if added)
 * @param after the entry in the new version (null if removed)
 * @param aspects for {@link Kind#CHANGED}: what differs; empty otherwise
 */
public record Change(Kind kind, List<Name> path, Entry before, Entry after, Set<Aspect> aspects) {
  public Change {
    path = List.copyOf(path);
    aspects = aspects.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(aspects));
  }

  public enum Kind { ADDED, REMOVED, CHANGED }

  /** What can differ at one path. */
  public enum Aspect {
    /** The file type (a file became a directory, …). */
    TYPE,
    /** File bytes, symlink target or device number. */
    CONTENT,
    MODE,
    OWNER,
    MTIME,
    XATTRS,
    /** Which entries are hardlinks of each other (link group or link count). */
    HARDLINKS
  }

  /** What differs between two entries at the same path (directories: their own metadata only). */
  public static Set<Aspect> compare(Entry a, Entry b) {
    EnumSet<Aspect> s = EnumSet.noneOf(Aspect.class);
    if (a.type() != b.type()) {
      s.add(Aspect.TYPE);
    } else if (!a.isDirectory() && (!java.util.Objects.equals(a.child(), b.child()) || a.size() != b.size()
        || !Arrays.equals(a.target(), b.target()) || a.rdev() != b.rdev())) {
      s.add(Aspect.CONTENT);
    }
    s.addAll(compare(a.meta(), b.meta()));
    if (a.linkGroup() != b.linkGroup() || a.nlink() != b.nlink()) {
      s.add(Aspect.HARDLINKS);
    }
    return s;
  }

  /** What differs between two sets of metadata. */
  public static Set<Aspect> compare(Metadata a, Metadata b) {
    EnumSet<Aspect> s = EnumSet.noneOf(Aspect.class);
    if (a.mode() != b.mode()) {
      s.add(Aspect.MODE);
    }
    if (a.uid() != b.uid() || a.gid() != b.gid()) {
      s.add(Aspect.OWNER);
    }
    if (a.mtimeNanos() != b.mtimeNanos()) {
      s.add(Aspect.MTIME);
    }
    if (!a.xattrs().equals(b.xattrs())) {
      s.add(Aspect.XATTRS);
    }
    return s;
  }

  /** Size in the old version (0 if added). */
  public long sizeBefore() {
    return before == null ? 0 : before.size();
  }

  /** Size in the new version (0 if removed). */
  public long sizeAfter() {
    return after == null ? 0 : after.size();
  }

  /** True for a change of metadata only (same type and content). */
  public boolean isMetadataOnly() {
    return kind == Kind.CHANGED && !aspects.contains(Aspect.TYPE) && !aspects.contains(Aspect.CONTENT);
  }

  /** The path for display: {@code /usr/bin/ls}, control and non-UTF-8 bytes escaped. */
  public String printablePath() {
    if (path.isEmpty()) {
      return "/";
    }
    StringBuilder sb = new StringBuilder();
    for (Name n : path) {
      sb.append('/').append(n.printable());
    }
    return sb.toString();
  }

  /** One line, e.g. {@code M /usr/bin/ls 1234 -> 1240 [content, mtime]}. */
  @Override
  public String toString() {
    return switch (kind) {
      case ADDED -> "A " + printablePath() + " " + sizeAfter();
      case REMOVED -> "D " + printablePath() + " " + sizeBefore();
      case CHANGED -> "M " + printablePath() + " " + sizeBefore() + " -> " + sizeAfter() + " "
          + aspectNames();
    };
  }

  private String aspectNames() {
    List<String> names = new ArrayList<>();
    for (Aspect a : Aspect.values()) {
      if (aspects.contains(a)) {
        names.add(a.name().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return names.toString();
  }
}
