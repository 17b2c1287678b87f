package org.casfs.cas.check;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.ObjectId;

/**
 * What {@link Fsck} found. Immutable.
 *
 * @param objectsChecked objects whose bytes were hashed
 * @param bytesChecked bytes hashed
 * @param manifestsWalked manifests whose references were followed
 * @param treesWalked distinct trees whose entries were checked
 * @param problems every problem, ordered by object id
 * @param orphans loose files that no index entry names (left by a crash during gc; harmless,
 *     removed by the next gc; not counted as problems)
 * @param unfinished unfinished versions that lack objects (a pull that stopped half way; not
 *     counted as problems)
 */
public record FsckReport(long objectsChecked, long bytesChecked, int manifestsWalked, long treesWalked,
    List<Problem> problems, List<Path> orphans, List<Unfinished> unfinished) {
  public FsckReport {
    problems = List.copyOf(problems);
    orphans = List.copyOf(orphans);
    unfinished = List.copyOf(unfinished);
  }

  /** A version not yet whole: its manifest and how many of the objects it names are not stored. */
  public record Unfinished(ObjectId manifest, long missingObjects) {
    @Override
    public String toString() {
      return "unfinished version " + manifest.name() + ": " + missingObjects
          + (missingObjects == 1 ? " object" : " objects") + " not stored yet (a pull that stopped half way, not damage: pulling again fetches the rest)";
    }
  }

  public int problemCount() {
    return problems.size();
  }

  public boolean isClean() {
    return problems.isEmpty();
  }

  /** One line summing up. */
  public String summary() {
    return "checked " + objectsChecked + " objects (" + bytesChecked + " bytes), " + manifestsWalked
        + " versions, " + treesWalked + " trees: "
        + (problems.isEmpty() ? "no problems" : problems.size() + (problems.size() == 1 ? " problem" : " problems"))
        + (orphans.isEmpty() ? "" : ", " + orphans.size() + " orphan files (gc removes them)")
        + (unfinished.isEmpty() ? "" : ", " + unfinished.size() + " unfinished "
            + (unfinished.size() == 1 ? "version" : "versions") + " (not damage)");
  }

  /** Every problem on its own line, then the summary: what the CLI prints. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    for (Problem p : problems) {
      out.add(p.toString());
    }
    for (Path o : orphans) {
      out.add("orphan file " + o + " (no index entry)");
    }
    for (Unfinished u : unfinished) {
      out.add(u.toString());
    }
    out.add(summary());
    return out;
  }
}
