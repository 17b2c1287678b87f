package org.casfs.tools.command;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.casfs.cas.Entry;
import org.casfs.cas.EntryType;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Utf8b;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.Snapshot;
import org.casfs.tools.CliException;

/** Looks up a path the user typed inside a version, turning absence into a usage error. */
final class Paths {
  private Paths() {}

  /**
   * The entry at {@code path}, following symlinks as a shell in a chroot of the version would: on
   * the way always, the last one if {@code followLast} ({@code cat}) or the path ends in {@code /}.
   */
  static Entry lookup(Snapshot snapshot, String path, String versionSpec, boolean followLast) throws IOException {
    try {
      return snapshot.resolve(path, followLast);
    } catch (NoSuchFileException | NotDirectoryException e) {
      Entry link = followLast ? danglingSymlinkOrNull(snapshot, path) : null;
      if (link != null) {
        throw CliException.usage("'" + printable(path) + "' in version " + versionSpec + " is a symlink to '"
            + Name.printable(link.target()) + "', which leads to nothing in the version; see it with 'casfs ls "
            + versionSpec + " " + printable(path) + "'");
      }
      throw CliException.usage("no path '" + printable(path) + "' in version " + versionSpec + " ("
          + shortId(snapshot.id()) + "); list it with 'casfs ls " + versionSpec + " DIR'");
    } catch (FileSystemException e) {
      throw CliException.usage("path '" + printable(path) + "' in version " + versionSpec + ": " + e.getReason());
    }
  }

  /** The symlink at {@code path} itself (its last component not followed), or null if none is there. */
  private static Entry danglingSymlinkOrNull(Snapshot snapshot, String path) throws IOException {
    try {
      Entry e = snapshot.resolve(path, false);
      return e.type() == EntryType.SYMLINK ? e : null;
    } catch (NoSuchFileException | NotDirectoryException e) {
      return null;
    }
  }

  /** The path as typed, escaped as {@code casfs ls} shows names (the bytes it stands for: {@link Utf8b}). */
  /** The link count {@code ls -l} shows for {@code e}: a directory's is 2 and its subdirectories, as mounted. */
  static int links(ObjectDatabase db, Entry e) throws IOException {
    return e.isDirectory() ? 2 + db.readTree(e.childId()).subdirectories() : e.nlink();
  }

  static String printable(String path) {
    return Name.printable(Utf8b.encode(path));
  }

  static String shortId(ObjectId id) {
    return id.name().substring(0, 12);
  }
}
