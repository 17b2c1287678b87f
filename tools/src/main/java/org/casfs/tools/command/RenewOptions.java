package org.casfs.tools.command;

import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.casfs.tools.Casfs;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.daemon.ControlServer;
import picocli.CommandLine.Option;

/**
 * The options of an origin's renewal of its offered head ({@link HeadRenewer}), shared by {@code
 * casfs serve} and {@code casfs peer}, and its start-up.
 */
final class RenewOptions {
  @Option(names = "--key", paramLabel = "FILE", description = "on an origin: the signing key with which the offered"
      + " head is renewed before it expires (default: $CASFS_KEY or ~/.casfs/signing.key, if there is one)")
  Path key;

  @Option(names = "--no-renew", description = "on an origin: do not renew the offered head before it expires")
  boolean noRenew;

  /**
   * Starts the renewal under {@code control}'s lock (its own without a control socket, when no
   * command can come in), or returns null with {@code --no-renew}. Without a key, warns before the
   * head expires if {@code warnWithoutKey}.
   */
  HeadRenewer startOrNull(OpenRepo open, Casfs caller, ControlServer control, boolean warnWithoutKey,
      Consumer<String> log) {
    return noRenew ? null : HeadRenewer.start(open, KeygenCommand.keyPath(key, caller), warnWithoutKey,
        control != null ? control.exclusiveLock() : new ReentrantLock(), log);
  }
}
