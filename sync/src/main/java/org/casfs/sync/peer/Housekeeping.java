package org.casfs.sync.peer;

import java.io.IOException;

/**
 * How a peer daemon makes room in its repository: gc as {@code casfs gc} runs it (keeping
 * current, previous, staged, pins, the newest versions, what a pull in flight stored and what the
 * daemon's mount shows), serialized with the daemon's other commands. A laptop's daemon runs it
 * after each update it pulls, so old versions do not pile up on a machine nobody tends, and when
 * an update does not fit, so that it goes on. Provided by the daemon that runs the peer.
 */
@FunctionalInterface
public interface Housekeeping {
  /** Never collects. */
  Housekeeping NONE = () -> new Outcome(0, 0);

  /** Runs gc once; thread-safe with the daemon's other work. */
  Outcome collect() throws IOException;

  /**
   * What one gc did.
   *
   * @param versionsRemoved versions it removed
   * @param bytesFreed bytes of the objects it removed
   */
  record Outcome(int versionsRemoved, long bytesFreed) {
    public boolean freedAny() {
      return bytesFreed > 0;
    }
  }
}
