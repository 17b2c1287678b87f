package org.casfs.tools.command;

import java.nio.file.Path;
import org.casfs.sync.Mirror;
import org.casfs.sync.SyncState;
import org.casfs.tools.CliException;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code casfs mirror DIR}: writes the offered version as static files that nginx, a CDN or a USB
 * stick serves, and removes what only older versions needed; synced to disk when it returns, so a
 * stick may be pulled out.
 */
@Command(name = "mirror", description = "Write the offered version as static files (same paths as 'casfs serve').")
public final class MirrorCommand extends RepoCommand {
  @Parameters(paramLabel = "DIR", description = "the directory to write (created if absent; re-runs add what is new, "
      + "rewrite objects that are not whole and remove what neither this version nor the one offered there before needs)")
  private Path dir;

  @Option(names = "--verify", description = "also read and hash the objects already in DIR, rewriting damaged ones "
      + "(a worn USB stick); without it a re-run checks their sizes")
  private boolean verify;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      SyncState state = new SyncState(open.repo().kv());
      String offered = open.repo().readOnly() ? null
          : state.offerWhatRunsOrNull(open.txn().refs().currentOrNull(), open.repo().config().channel());
      if (offered != null) {
        out().println(offered);
      }
      if (state.offeredHeadOrNull() == null) { // nothing to mirror: a step left out, not a failing disk
        throw CliException.usage("this repository offers no signed version, so there is nothing to mirror to " + dir
            + "; run 'casfs sign VERSION' first");
      }
      Mirror.Result r = new Mirror(open.repo().objectDatabase(), state)
          .deltasFrom(RepoDeltas.forMirror(open.repo())).write(dir, verify);
      out().println("mirrored " + r.manifest() + " to " + dir.toAbsolutePath() + ": " + r.objectsWritten()
          + " objects written (" + r.bytesWritten() + " bytes), " + r.objectsSkipped() + " already there, "
          + r.blobDeltasWritten() + (r.blobDeltasWritten() == 1 ? " delta" : " deltas") + " written"
          + (r.filesRemoved() == 0 ? "" : ", " + r.filesRemoved() + " files older versions needed removed ("
              + r.bytesFreed() + " bytes)") + "; synced to disk");
    }
  }
}
