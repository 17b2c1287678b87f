package org.casfs.tools.command;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.casfs.cas.Entry;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Utf8b;
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
      throw CliException.usage("no path '" + printable(path) + "' in version " + versionSpec + " ("
          + shortId(snapshot.id()) + "); list it with 'casfs ls " + versionSpec + " DIR'");
    } catch (FileSystemException e) {
      throw CliException.usage("path '" + printable(path) + "' in version " + versionSpec + ": " + e.getReason());
    }
  }

  /** The path as typed, escaped as {@code casfs ls} shows names (the bytes it stands for: {@link Utf8b}). */
  static String printable(String path) {
    return Name.printable(Utf8b.encode(path));
  }

  static String shortId(ObjectId id) {
    return id.name().substring(0, 12);
  }
}
