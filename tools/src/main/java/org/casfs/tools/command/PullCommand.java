package org.casfs.tools.command;

import java.nio.file.Path;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectException;
import org.casfs.sync.pull.DirSource;
import org.casfs.sync.pull.PullConfig;
import org.casfs.sync.pull.PullException;
import org.casfs.sync.pull.PullListener;
import org.casfs.sync.pull.PullProgress;
import org.casfs.sync.pull.Puller;
import org.casfs.sync.pull.Source;
import org.casfs.sync.trust.SignatureException;
import org.casfs.sync.wire.RateLimit;
import org.casfs.tools.CliException;
import org.casfs.tools.ExitCode;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.Progress;
import org.casfs.tools.RepoCommand;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code casfs pull URL|--from-dir DIR [--switch]}: fetches the newest signed version, verifies
 * everything, stages it and optionally switches. Exit 4 for a version or object that fails
 * verification, 7 for an older version (a rollback is local: 'casfs rollback'), 5 for no space or
 * unreachable sources; 0, "already up to date", when the newest version offered is the one that runs.
 */
@Command(name = "pull", description = "Pull the newest signed version from a server, peer or mirror; stage it.")
public final class PullCommand extends RepoCommand {
  static final class From {
    @Parameters(paramLabel = "URL", converter = UrlArgument.OrFolder.class, description = "http://host:port of a casfs server, peer or static mirror")
    String url;

    @Option(names = "--from-dir", paramLabel = "DIR", description = "a folder written by 'casfs mirror' (a USB stick)")
    Path dir;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  private From from;

  @Option(names = "--switch", description = "switch to the version once it is verified")
  private boolean switchAfter;

  @Option(names = "--limit-rate", paramLabel = "RATE", converter = RateArgument.class,
      description = "receive at most RATE bytes a second from a server or peer, e.g. 200k (a paid or shared link)")
  private RateLimit limit;

  @Override
  protected void execute() throws Exception {
    PullConfig config = PullConfig.defaults();
    if (limit != null) {
      try {
        config = config.withDownloadLimit(limit);
      } catch (IllegalArgumentException e) {
        throw CliException.usage("--limit-rate: " + e.getMessage());
      }
    }
    Source source = from.dir != null ? new DirSource(from.dir) : Puller.sourceFor(from.url, casfs().cwd(), config);
    try (OpenRepo open = open(); Progress bar = progress("pull", -1, "MiB")) {
      PullListener listener = new PullListener() {
        @Override
        public void progress(PullProgress p) {
          if (p.bytesTotal() > 0) {
            bar.total(p.bytesTotal());
          }
          bar.stepTo(p.bytesDone());
          bar.message(p.objectsDone() + "/" + p.objectsTotal() + " objects"
              + (p.etaSeconds() >= 0 ? ", ETA " + p.etaSeconds() + " s" : ""));
        }

        @Override
        public void note(String line) {
          err().println(line);
        }
      };
      Puller.Result r;
      ObjectId before = open.txn().refs().currentOrNull();
      long start = System.nanoTime();
      try {
        Puller puller = RepoDeltas.acceptDeltas(Puller.of(open.repo(), open.txn(), config), open.repo());
        r = puller.listener(listener).pull(List.of(source), switchAfter);
      } catch (PullException e) {
        throw new CliException(exitCodeOf(e), e.getMessage(), e);
      }
      bar.close();
      if (r.upToDate()) { // the version that runs: nothing new, no rollback (a cron job's daily pull)
        ObjectId staged = open.txn().refs().stagedOrNull();
        out().println("already up to date at " + r.manifest() + " (sequence " + r.sequence() + ")"
            + (staged == null || staged.equals(r.manifest()) ? ""
                : "; version " + staged + " is staged: run 'casfs switch staged' to use it"));
        return;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      // A head the origin renewed (the same version, the next sequence) is news of nothing to run.
      boolean already = r.manifest().equals(before);
      out().println((already ? "already on " : r.switched() ? "switched to " : "staged ") + r.manifest()
          + " (sequence " + r.sequence() + "): "
          + r.objectsFetched() + " objects, " + r.bytesStored() + " bytes stored, " + r.bytesReceived()
          + " bytes received in " + r.requests() + " requests, "
          + String.format(java.util.Locale.ROOT, "%.2f s (%s MB/s)", seconds, megabytesPerSecond(r.bytesStored(), seconds))
          + (r.switched() || already ? "" : "; run 'casfs switch staged' to use it"));
    }
  }

  /** "93", or "0.53" where a whole number would say 0 or 1 (a pull held back by a rate limit). */
  private static String megabytesPerSecond(long bytes, double seconds) {
    double rate = bytes / seconds / 1e6;
    return String.format(java.util.Locale.ROOT, rate < 10 ? "%.2f" : "%.0f", rate);
  }

  static ExitCode exitCodeOf(PullException e) {
    if (e.getCause() instanceof SignatureException s) {
      return s.reason() == SignatureException.Reason.NOT_NEWER ? ExitCode.REJECTED : ExitCode.VERIFICATION;
    }
    if (e.kind() == PullException.Kind.NO_SPACE) {
      return ExitCode.IO;
    }
    return e.getCause() instanceof ObjectException ? ExitCode.VERIFICATION : ExitCode.IO;
  }
}
