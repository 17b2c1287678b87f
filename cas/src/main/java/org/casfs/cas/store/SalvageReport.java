package org.casfs.cas.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Repository#salvage} did: nothing, for a sound database; else what it kept of each
 * key space, how many damaged stretches it stepped over, and the objects whose bytes went with them.
 *
 * @param damageOrNull what RocksDB said of the first damaged block; null if the database was sound
 * @param damagedCopy where the damaged database now lies (kept for diagnosis); null if sound
 * @param spaces each key space copied, in name order
 * @param objectsLost objects the store listed whose bytes were lost (or whose listing was)
 * @param relisted objects whose listing was lost, verified and listed again: loose files, and small
 *     objects a tree or manifest names
 * @param rebuilt the key spaces left behind because what they hold is derived again when needed
 */
public record SalvageReport(String damageOrNull, Path damagedCopy, List<Space> spaces, long objectsLost,
    long relisted, List<String> rebuilt) {

  /** One key space: the records it kept and the damaged stretches it lost. */
  public record Space(String name, long kept, int damagedStretches) {}

  static SalvageReport sound() {
    return new SalvageReport(null, null, List.of(), 0, 0, List.of());
  }

  public boolean wasDamaged() {
    return damageOrNull != null;
  }

  /** True if a damaged stretch was stepped over in any key space. */
  public boolean lostRecords() {
    return spaces.stream().anyMatch(s -> s.damagedStretches() > 0);
  }

  /** The report, one line each, for a person. */
  public List<String> lines() {
    if (!wasDamaged()) {
      return List.of("the repository's database is sound (every table's checksums hold): nothing to salvage");
    }
    List<String> lines = new ArrayList<>();
    lines.add("the repository's database was damaged: " + damageOrNull);
    lines.add("rebuilt it from every record that could still be read; the damaged one is kept as " + damagedCopy
        + " (remove it once you no longer need it; the next salvage replaces it)");
    for (Space s : spaces) {
      lines.add("  " + s.name() + ": " + s.kept() + (s.kept() == 1 ? " record" : " records")
          + (s.damagedStretches() == 0 ? ""
              : ", " + s.damagedStretches() + " damaged " + (s.damagedStretches() == 1 ? "stretch" : "stretches")
                  + " lost"));
    }
    if (!rebuilt.isEmpty()) {
      lines.add("  made again when needed: " + String.join(", ", rebuilt));
    }
    if (relisted > 0) {
      lines.add("  " + relisted + (relisted == 1 ? " object" : " objects")
          + " whose listing was lost verified and listed again");
    }
    if (objectsLost > 0) {
      lines.add("  " + objectsLost + (objectsLost == 1 ? " object was" : " objects were")
          + " lost with the damage: fsck names what needs them, and 'casfs fsck --repair URL' fetches them");
    }
    return lines;
  }
}
