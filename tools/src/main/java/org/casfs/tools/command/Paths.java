package org.casfs.tools.command;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.casfs.cas.Entry;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Snapshot;
import org.casfs.tools.CliException;

/** Looks up a path the user typed inside a version, turning absence into a usage error. */
final class Paths {
  private Paths() {}

  static Entry lookup(Snapshot snapshot, String path, String versionSpec) throws IOException {
    try {
      return snapshot.lookup(path);
    } catch (NoSuchFileException | NotDirectoryException e) {
      throw CliException.usage("no path '" + path + "' in version " + versionSpec + " (" + shortId(snapshot.id())
          + "); list it with 'casfs ls " + versionSpec + " DIR'");
    } catch (IllegalArgumentException e) {
      throw CliException.usage("bad path '" + path + "': " + e.getMessage());
    }
  }

  static String shortId(ObjectId id) {
    return id.name().substring(0, 12);
  }
}
