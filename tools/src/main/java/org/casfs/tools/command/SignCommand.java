package org.casfs.tools.command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.sync.Publisher;
import org.casfs.sync.SyncState;
import org.casfs.sync.delta.VersionDeltas;
import org.casfs.sync.trust.Head;
import org.casfs.sync.trust.Signature;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.trust.SigningKey;
import org.casfs.tools.CliException;
import org.casfs.tools.ErrorReporter;
import org.casfs.tools.ExitCode;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code casfs sign VERSION}: on an origin, computes and stores the deltas from the previously
 * signed version (unless {@code --no-deltas}), then signs the version and offers it as the head
 * of its channel (sequence above every earlier head, expiring after {@code --expires} days).
 * {@code --cosign} adds the key's signature to the head already offered for VERSION instead.
 */
@Command(name = "sign", description = "Sign a version and offer it to clients (origin only).")
public final class SignCommand extends RepoCommand {
  @Parameters(paramLabel = "VERSION", description = "the version to sign")
  private String version;

  @Option(names = "--key", paramLabel = "FILE", description = "the private key (default: $CASFS_KEY or ~/.casfs/signing.key)")
  private Path key;

  @Option(names = "--expires", paramLabel = "DAYS", defaultValue = "7",
      description = "days until clients refuse this head unless it is re-signed (default: ${DEFAULT-VALUE})")
  private int days;

  @Option(names = "--clock-is-right", description = "sign even though the offered head was signed at a later"
      + " time than this machine's clock says (that head's clock was ahead; by default such a clock is taken for"
      + " one set back, whose heads would expire in the past)")
  boolean clockIsRight;

  @Option(names = "--no-deltas", description = "do not compute deltas from the previously signed version")
  private boolean noDeltas;

  @Option(names = "--cosign", description = "add this key's signature to the offered head of VERSION, as a second"
      + " administrator does for clients that require several ('casfs trust --threshold')")
  private boolean cosign;

  @Override
  protected void execute() throws Exception {
    if (days < 1 || days > 3650) {
      throw CliException.usage("--expires must be 1 to 3650 days: " + days);
    }
    SigningKey k = KeygenCommand.read(KeygenCommand.keyPath(key, casfs()));
    try (OpenRepo open = open()) {
      ObjectId id = open.resolve(version);
      if (cosign) {
        SignedHead h = new Publisher(open.repo().objectDatabase(), new SyncState(open.repo().kv()), k,
            System::currentTimeMillis).cosign(id);
        List<String> signers = h.signatures().stream().map(Signature::keyId).toList();
        out().println("head of " + id + " (" + h.headUnverified().channel() + " #" + h.headUnverified().sequence()
            + ") now signed by " + signers.size() + " key(s): " + String.join(", ", signers));
        return;
      }
      SyncState state = new SyncState(open.repo().kv());
      SignedHead previous = state.offeredHeadOrNull();
      Publisher publisher = new Publisher(open.repo().objectDatabase(), state, k, System::currentTimeMillis);
      if (clockIsRight) {
        publisher.trustingThisClock();
      }
      publisher.checkClock(Duration.ofDays(days));
      // Clients run the previously signed version: the deltas from it make their update small. They
      // are computed before the version is offered, or the first clients to see it (a peer polls
      // often) would take whole files, and a sign stopped half way would leave the rest uncomputed,
      // since signing again computes the deltas from the version then offered.
      ObjectId before = previous == null ? null : previous.headUnverified().manifestId();
      String deltas = null;
      if (!noDeltas && before != null && !before.equals(id) && open.repo().objects().contains(before)) {
        deltas = "delta " + before + " -> " + id + ": " + RepoDeltas.summary(computeDeltas(open, before, id));
      }
      Head h = publisher.publish(id, Duration.ofDays(days)).headUnverified();
      out().println("signed " + id + " as " + h.channel() + " #" + h.sequence() + " by key " + h.keyId()
          + ", expires " + Instant.ofEpochMilli(h.expiresMillis()));
      if (deltas != null) {
        out().println(deltas);
      }
    }
  }

  /** The deltas, or a failure that says nothing was signed and how to sign without them. */
  private VersionDeltas.Report computeDeltas(OpenRepo open, ObjectId before, ObjectId id) {
    try {
      return RepoDeltas.compute(open.repo(), before, id);
    } catch (IOException | UncheckedIOException e) {
      ExitCode code = ExitCode.of(e);
      throw new CliException(code, "computing the deltas from " + before + " to " + id + " failed, so " + id
          + " was not signed (--no-deltas signs it without them): " + ErrorReporter.describe(e, code), e);
    }
  }
}
