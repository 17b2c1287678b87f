package org.casfs.tools.command;

import java.util.List;
import org.casfs.tools.Format;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import org.casfs.txn.HistoryRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code casfs history}: every flip of {@code current}, newest first. */
@Command(name = "history", description = "List every change of 'current', newest first: when, from, to, who"
    + " (command, pull, rollback, import) and why.")
public final class HistoryCommand extends RepoCommand {
  @Option(names = {"-n", "--max-count"}, paramLabel = "N", defaultValue = "-1", description = "show at most N")
  int max;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      List<HistoryRecord> all = open.txn().refs().history();
      if (all.isEmpty()) {
        out().println("no switches yet; 'casfs switch VERSION' makes a version current");
        return;
      }
      int shown = 0;
      for (int i = all.size() - 1; i >= 0 && (max < 0 || shown < max); i--, shown++) {
        HistoryRecord r = all.get(i);
        out().println(r.seq() + "  " + Format.timeMillis(r.timeMillis()) + "  "
            + (r.from() == null ? "(none)" : r.from().name().substring(0, 12)) + " -> " + r.to().name()
            + "  " + r.who().name().toLowerCase(java.util.Locale.ROOT) + "  " + r.reason());
      }
    }
  }
}
