package org.casfs.tools.command;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.tools.CliException;
import org.casfs.tools.Format;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code casfs log}: versions newest first, following parents, with the refs that point at them;
 * {@code --all}: every version the repository holds, newest first, whatever its parents.
 */
@Command(name = "log", description = "List versions newest first, following each version's parent"
    + " (from VERSION; default: the newest version). Refs pointing at a version are shown in brackets.")
public final class LogCommand extends RepoCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "VERSION", description = "where to start")
  String start;

  @Option(names = {"-n", "--max-count"}, paramLabel = "N", defaultValue = "-1",
      description = "show at most N versions")
  int max;

  @Option(names = "--all", description = "every version in the repository, newest first (also those no parent"
      + " chain reaches: imports without --switch, pulled versions)")
  boolean all;

  @Override
  protected void execute() throws Exception {
    if (all && start != null) {
      throw CliException.usage("give VERSION or --all, not both");
    }
    try (OpenRepo open = open()) {
      Map<String, ObjectId> refs = open.txn().refs().all();
      if (all) {
        List<ObjectId> versions = open.txn().refs().versionsNewestFirst();
        for (int i = 0; i < versions.size() && (max < 0 || i < max); i++) {
          print(open, refs, versions.get(i));
        }
        if (versions.isEmpty()) {
          out().println("no versions yet; import one with 'casfs import DIR'");
        }
        return;
      }
      ObjectId id = start == null ? open.newestOrCurrentOrNull() : open.resolve(start);
      if (id == null) {
        out().println("no versions yet; import one with 'casfs import DIR'");
        return;
      }
      Set<ObjectId> seen = new HashSet<>();
      int shown = 0;
      while (id != null && (max < 0 || shown < max) && seen.add(id)) {
        if (shown > 0 && !open.repo().objects().contains(id)) {
          // gc removes old versions (a laptop keeps a few); their children still name them
          out().println(id.name() + "  and older: not kept here (removed by gc)");
          break;
        }
        id = print(open, refs, id).parent();
        shown++;
      }
    }
  }

  /** One line for a version: id, sequence, time, channel, label and the refs at it. */
  private Manifest print(OpenRepo open, Map<String, ObjectId> refs, ObjectId id) throws java.io.IOException {
    Manifest m = open.repo().objectDatabase().readManifest(id);
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, ObjectId> r : refs.entrySet()) {
      if (r.getValue().equals(id) && !r.getKey().startsWith("label/")) {
        names.add(r.getKey());
      }
    }
    out().println(id.name() + "  seq " + m.sequence() + "  " + Format.timeMillis(m.createdMillis()) + "  "
        + m.channel() + (m.label().isEmpty() ? "" : "  " + m.label())
        + (names.isEmpty() ? "" : "  (" + String.join(", ", names) + ")"));
    return m;
  }
}
