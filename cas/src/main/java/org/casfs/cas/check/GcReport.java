package org.casfs.cas.check;

/**
 * What one {@link Gc} run did. Immutable.
 *
 * @param reachable stored objects reachable from the roots (kept)
 * @param removed objects removed
 * @param bytesFreed bytes of the removed objects
 * @param keptInserted unreachable objects kept because they were inserted while gc ran
 * @param orphanBytesFreed bytes of orphan loose files removed (left by an earlier crash)
 */
public record GcReport(long reachable, long removed, long bytesFreed, long keptInserted, long orphanBytesFreed) {
  /** One line for the CLI. */
  public String summary() {
    return "kept " + reachable + " reachable objects, removed " + removed + " (" + bytesFreed + " bytes)"
        + (keptInserted > 0 ? ", kept " + keptInserted + " inserted meanwhile" : "")
        + (orphanBytesFreed > 0 ? ", freed " + orphanBytesFreed + " bytes of orphan files" : "");
  }
}
