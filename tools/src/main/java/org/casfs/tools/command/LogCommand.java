package org.casfs.tools.command;

import java.util.HashSet;
import java.util.Set;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Repository;
import org.casfs.tools.Format;
import org.casfs.tools.RepoCommand;
import org.casfs.tools.Versions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code casfs log}: versions newest first, following parents. */
@Command(name = "log", description = "List versions newest first, following each version's parent.")
public final class LogCommand extends RepoCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "VERSION", defaultValue = "current",
      description = "where to start (default: ${DEFAULT-VALUE})")
  String start;

  @Option(names = {"-n", "--max-count"}, paramLabel = "N", defaultValue = "-1",
      description = "show at most N versions")
  int max;

  @Override
  protected void execute() throws Exception {
    try (Repository repo = openRepository()) {
      Versions versions = new Versions(repo);
      if (start.equals("current") && versions.newestOrNull() == null) {
        out().println("no versions yet; import one with 'casfs import DIR'");
        return;
      }
      ObjectId id = versions.resolve(start);
      Set<ObjectId> seen = new HashSet<>();
      int shown = 0;
      while (id != null && (max < 0 || shown < max) && seen.add(id)) {
        Manifest m = repo.objectDatabase().readManifest(id);
        out().println(id.name() + "  seq " + m.sequence() + "  " + Format.timeMillis(m.createdMillis()) + "  "
            + m.channel() + (m.label().isEmpty() ? "" : "  " + m.label()));
        shown++;
        id = m.parent();
      }
    }
  }
}
