package org.casfs.cas.check;

import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;

/**
 * One thing fsck found wrong with one object.
 *
 * @param kind what sort of problem
 * @param type the object's type as the store or the referring entry says (null if unknown)
 * @param id the object
 * @param detail what is wrong, e.g. "corrupt (hashes to 3fa4…)"
 * @param paths where the object is reachable from the checked versions (empty if from none;
 *     capped, see {@link Fsck})
 */
public record Problem(Kind kind, ObjectType type, ObjectId id, String detail, List<String> paths) {
  public Problem {
    paths = List.copyOf(paths);
  }

  /** The kinds of problems. */
  public enum Kind {
    /** The stored bytes do not hash to the id, or their size or SHA-256 differ from the index. */
    CORRUPT,
    /** A tree or manifest whose bytes are right but do not decode. */
    UNDECODABLE,
    /** An object that something refers to (or the index names) but whose bytes are not there. */
    MISSING,
    /** A reference that disagrees with the object: wrong type, SHA-256 or size. */
    BAD_REFERENCE
  }

  /** One line, e.g. {@code blob 3fa4… at /usr/bin/ls: corrupt (hashes to 9c1e…)}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(type == null ? "object" : type.name().toLowerCase(java.util.Locale.ROOT)).append(' ')
        .append(id == null ? "(no id)" : id.name());
    if (!paths.isEmpty()) {
      sb.append(" at ").append(String.join(", ", paths));
    }
    return sb.append(": ").append(detail).toString();
  }
}
