package org.casfs.tools.command;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.tools.Format;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code casfs log}: versions newest first, following parents, with the refs that point at them. */
@Command(name = "log", description = "List versions newest first, following each version's parent"
    + " (from VERSION; default: the newest version). Refs pointing at a version are shown in brackets.")
public final class LogCommand extends RepoCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "VERSION", description = "where to start")
  String start;

  @Option(names = {"-n", "--max-count"}, paramLabel = "N", defaultValue = "-1",
      description = "show at most N versions")
  int max;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      ObjectId id = start == null ? open.newestOrCurrentOrNull() : open.resolve(start);
      if (id == null) {
        out().println("no versions yet; import one with 'casfs import DIR'");
        return;
      }
      Map<String, ObjectId> refs = open.txn().refs().all();
      Set<ObjectId> seen = new HashSet<>();
      int shown = 0;
      while (id != null && (max < 0 || shown < max) && seen.add(id)) {
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
        shown++;
        id = m.parent();
      }
    }
  }
}
