package org.casfs.cas.check;

import java.util.List;

/**
 * The differences between two versions, in path order, with totals. Immutable.
 *
 * @param changes every added, removed and changed path (parents before their children)
 * @param added paths added
 * @param removed paths removed
 * @param changed paths changed
 * @param bytesAdded sizes of added files and symlinks
 * @param bytesRemoved sizes of removed files and symlinks
 * @param bytesChanged new sizes of files and symlinks whose content or type changed
 */
public record DiffReport(List<Change> changes, long added, long removed, long changed, long bytesAdded,
    long bytesRemoved, long bytesChanged) {
  public DiffReport {
    changes = List.copyOf(changes);
  }

  /** One line of totals for the CLI. */
  public String summary() {
    return added + " added (" + bytesAdded + " bytes), " + removed + " removed (" + bytesRemoved + " bytes), "
        + changed + " changed (" + bytesChanged + " bytes now)";
  }
}
