package org.casfs.tools.command;

import org.casfs.cas.Entry;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Repository;
import org.casfs.cas.store.Snapshot;
import org.casfs.tools.Format;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code casfs ls VERSION [PATH]}: a directory of a version, like {@code ls -l}. */
@Command(name = "ls", description = "List a directory of a version like 'ls -l' (numeric owners, UTC times).")
public final class LsCommand extends RepoCommand {
  @Parameters(index = "0", paramLabel = "VERSION", description = "id, unique id prefix, label or ref")
  String version;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", defaultValue = "/", description = "path inside the version (default: /)")
  String path;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      Repository repo = open.repo();
      ObjectId id = open.resolve(version);
      Snapshot snap = Snapshot.open(repo.objectDatabase(), id);
      Entry e = Paths.lookup(snap, path, version, false);
      if (!e.isDirectory()) {
        out().println(Format.lsLine(e, Paths.links(repo.objectDatabase(), e), Paths.printable(path)));
        return;
      }
      for (Entry child : snap.tree(e).entries()) {
        out().println(Format.lsLine(child, Paths.links(repo.objectDatabase(), child), child.name().printable()));
      }
    }
  }
}
