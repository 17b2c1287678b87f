package org.casfs.tools.command;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.casfs.cas.store.Repository;
import org.casfs.sync.SyncState;
import org.casfs.sync.peer.Scrub;
import org.casfs.tools.CliException;
import picocli.CommandLine.Option;

/**
 * The scrub option of the daemons ({@link Scrub}), shared by {@code casfs peer}, {@code mount
 * --peer} (which fetch what it finds damaged again from their neighbours) and {@code casfs serve}
 * (which says how to repair it).
 */
final class ScrubOptions {
  @Option(names = "--scrub-days", paramLabel = "N", defaultValue = "7",
      description = "read the whole store through the verifying read every N days, at most 4 MB a second (a peer"
          + " fetches what is damaged again from its neighbours); 0: never (default: ${DEFAULT-VALUE})")
  int scrubDays;

  /** How often to scrub, or null for never. */
  Duration everyOrNull() {
    if (scrubDays < 0) {
      throw CliException.usage("--scrub-days must be 0 (never) or more: " + scrubDays);
    }
    return scrubDays == 0 ? null : Duration.ofDays(scrubDays);
  }

  /**
   * An origin's scrub ({@code casfs serve}): it has no neighbours to fetch from, so each damaged
   * object is logged with what to do. Null with {@code --scrub-days 0}.
   */
  Scrub startForOriginOrNull(Repository repo, Consumer<String> log) {
    Duration every = everyOrNull();
    return every == null ? null : startForOrigin(repo, every, Scrub.DEFAULT_FIRST_DELAY, log);
  }

  static Scrub startForOrigin(Repository repo, Duration every, Duration firstDelay, Consumer<String> log) {
    return new Scrub(repo.objectDatabase().store(), new SyncState(repo.kv()), every, firstDelay,
        Scrub.DEFAULT_BYTES_PER_SECOND, id -> log.accept("casfs: the scrub found object " + id + " damaged in this"
            + " repository; repair it from a machine that holds it: 'casfs fsck --repair URL' (a laptop's peer"
            + " daemon, a mirror)"), log, Clock.systemUTC()).start();
  }
}
