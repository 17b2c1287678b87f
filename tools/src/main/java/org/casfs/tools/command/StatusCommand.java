package org.casfs.tools.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Repository;
import org.casfs.cas.Sizes;
import org.casfs.cas.posix.FileStat;
import org.casfs.cas.posix.Posix;
import org.casfs.sync.SyncState;
import org.casfs.sync.trust.Head;
import org.casfs.sync.trust.PublicKey;
import org.casfs.sync.trust.Signature;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.trust.TrustStore;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import org.casfs.txn.Refs;
import org.casfs.txn.Transaction;
import picocli.CommandLine.Command;

/**
 * {@code casfs status}: refs, a pull not finished, pins, the open transaction, the channel, the
 * offered head, the trusted keys and disk use.
 */
@Command(name = "status", description = "Show current, previous, staged, a pull not finished, pins, the open"
    + " transaction (or interrupted import), the channel followed, the signed head offered, the trusted keys and the"
    + " repository's disk use.")
public final class StatusCommand extends RepoCommand {
  @Override
  protected void execute() throws Exception {
    if (peerStatus()) {
      try {
        open().close();
      } catch (org.casfs.cas.store.RepositoryLockedException e) {
        out().println("(the repository is held by the running peer daemon: stop it for refs and disk use)");
        return;
      }
    }
    try (OpenRepo open = open()) {
      Refs refs = open.txn().refs();
      line("current", refs.currentOrNull(), open);
      line("previous", refs.previousOrNull(), open);
      line("staged", refs.stagedOrNull(), open);
      ObjectId pulling = new SyncState(open.repo().kv()).pullInFlightOrNull();
      if (pulling != null) {
        out().println("pulling:   " + pulling.name() + ", not finished (running now, or stopped: 'casfs pull' again"
            + " fetches the rest; gc keeps what it stored)");
      }
      Map<String, ObjectId> pins = refs.pins();
      out().println("pins:      " + (pins.isEmpty() ? "(none)" : ""));
      pins.forEach((name, id) -> out().println("  " + name + "  " + id));
      Transaction t = open.txn().transactions().openOrNull();
      if (t == null) {
        out().println("transaction: (none)");
      } else if (t.importSource() != null) {
        out().println("transaction: " + t.id() + ", an interrupted import of " + t.importSource()
            + ": rerun 'casfs import " + t.importSource() + "' to finish it, or 'casfs abort'");
      } else {
        out().println("transaction: " + t.id() + " on " + (t.base() == null ? "(nothing)" : t.base().name())
            + ": 'casfs commit' or 'casfs abort'");
      }
      offeredAndTrust(open);
      Path dir = open.repo().dir();
      long reserve = open.repo().reserveBytes();
      out().println("disk use:  objects " + Sizes.bytes(size(dir.resolve("objects"))) + ", db "
          + Sizes.bytes(size(dir.resolve("db"))) + ", staging " + Sizes.bytes(size(dir.resolve("staging")))
          + ", reserve " + (reserve > 0 ? Sizes.bytes(reserve) + " (kept for a full disk)"
              : "none (made once the disk has room)")
          + (open.repo().readOnlyForWantOfSpace() ? "; the disk is full: open for reading only" : ""));
      for (Path copy : Repository.damagedDatabaseCopies(dir)) {
        out().println("kept:      " + copy + ", a damaged database a salvage replaced (" + Sizes.bytes(size(copy))
            + "; remove it once you no longer need it)");
      }
      String damage = Repository.damageNotedOrNull(dir);
      if (damage != null) {
        out().println("database:  damaged (" + damage + "); a daemon (mount, peer, serve) salvages it when it"
            + " starts, or run 'casfs fsck --repair URL'");
      }
    }
  }

  /** The channel this machine follows, what it offers (the signed head) and what it trusts. */
  private void offeredAndTrust(OpenRepo open) throws IOException {
    out().println("channel:   " + open.repo().config().channel());
    SignedHead offered = new SyncState(open.repo().kv()).offeredHeadOrNull();
    if (offered != null) {
      Head h = offered.headUnverified();
      out().println("offered:   " + h.manifestId().name() + "  " + h.channel() + " #" + h.sequence() + ", expires "
          + Instant.ofEpochMilli(h.expiresMillis()) + ", signed by "
          + String.join(", ", offered.signatures().stream().map(Signature::keyId).toList()));
    }
    TrustStore trust = TrustStore.open(open.repo().keysDir());
    List<String> ids = trust.keys().stream().map(PublicKey::keyId).toList();
    out().println("trust:     " + (ids.isEmpty() ? "(no keys: no pulled version is accepted)"
        : ids.size() + " key(s) " + String.join(", ", ids) + ", threshold " + trust.threshold()));
  }

  private void line(String name, ObjectId id, OpenRepo open) throws IOException {
    String label = "";
    if (id != null) {
      String l = open.repo().objectDatabase().readManifest(id).label();
      label = l.isEmpty() ? "" : "  " + l;
    }
    out().printf("%-10s %s%s%n", name + ":", id == null ? "(none)" : id.name(), label);
  }

  /**
   * The bytes the regular files under {@code dir} take on the disk: a blob stored with holes for
   * its runs of zeros counts what it occupies, not its size.
   */
  private static long size(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long bytes = 0;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        FileStat st = Posix.lstatOrNull(Posix.bytes(p));
        if (st != null && st.isRegular()) {
          bytes += st.blocks() * 512;
        }
      }
    }
    return bytes;
  }

  /** Prints the peer daemon's status file (neighbours, versions, transfer) if there is one. */
  private boolean peerStatus() throws IOException {
    Path file = repoDir().resolve("peer.status");
    if (!Files.isRegularFile(file)) {
      return false;
    }
    long age = (System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis()) / 1000;
    out().println("peer daemon (status written " + age + " s ago" + (age > 10 ? ", the daemon may have stopped" : "")
        + "):");
    for (String line : Files.readAllLines(file)) {
      out().println("  " + line);
    }
    return true;
  }
}
