package org.casfs.tools.command;

import org.casfs.cas.ObjectId;
import org.casfs.sync.delta.VersionDeltas;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code casfs delta OLD NEW}: computes the binary deltas from one version to another (several
 * engines, the smallest per file kept) and stores them in {@code REPO/staging/deltas}, from where
 * {@code casfs serve}, {@code casfs peer} and {@code casfs mirror} offer them. {@code casfs sign}
 * does the same from the previously signed version.
 */
@Command(name = "delta", description = "Compute and store the deltas between two versions (origin).")
public final class DeltaCommand extends RepoCommand {
  @Parameters(index = "0", paramLabel = "OLD", description = "the version clients run")
  private String oldVersion;

  @Parameters(index = "1", paramLabel = "NEW", description = "the version they update to")
  private String newVersion;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      ObjectId from = open.resolve(oldVersion);
      ObjectId to = open.resolve(newVersion);
      VersionDeltas.Report r = RepoDeltas.compute(open.repo(), from, to);
      out().println("delta " + from + " -> " + to + ": " + RepoDeltas.summary(r));
    }
  }
}
