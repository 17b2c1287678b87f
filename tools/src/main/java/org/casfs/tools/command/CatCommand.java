package org.casfs.tools.command;

import java.io.InputStream;
import java.io.OutputStream;
import org.casfs.cas.Entry;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectReader;
import org.casfs.cas.store.Repository;
import org.casfs.cas.store.Snapshot;
import org.casfs.tools.CliException;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code casfs cat VERSION PATH}: a file's bytes to stdout. Writes nothing unless the whole blob
 * verified: small blobs are read and checked in memory, large ones are checked in a first pass
 * and streamed in a second (the second read comes from the page cache).
 */
@Command(name = "cat", description = "Write a regular file of a version to standard output (verified first).")
public final class CatCommand extends RepoCommand {
  private static final long IN_MEMORY_LIMIT = 64L << 20;

  @Parameters(index = "0", paramLabel = "VERSION", description = "id, unique id prefix, label or ref")
  String version;

  @Parameters(index = "1", paramLabel = "PATH", description = "path of a regular file inside the version")
  String path;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      Repository repo = open.repo();
      ObjectId id = open.resolve(version);
      Entry e = Paths.lookup(Snapshot.open(repo.objectDatabase(), id), path, version, true);
      if (!e.isRegular()) {
        throw CliException.usage("'" + Paths.printable(path) + "' in version " + version + " is a "
            + e.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
            + ", not a regular file; use 'casfs ls' or 'casfs show' on it");
      }
      ObjectReader objects = repo.objects();
      OutputStream out = rawOut();
      if (e.size() <= IN_MEMORY_LIMIT) {
        out.write(objects.read(e.childId()));
      } else {
        try (InputStream in = objects.open(e.childId())) {
          in.transferTo(OutputStream.nullOutputStream());
        }
        try (InputStream in = objects.open(e.childId())) {
          in.transferTo(out);
        }
      }
      out.flush();
    }
  }
}
