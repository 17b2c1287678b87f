package org.casfs.txn;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.ObjectInfo;

/**
 * Turns a VERSION argument into a manifest id. A VERSION is, tried in this order:
 * <ol>
 *   <li>{@code REF~N}: the N-th parent of what REF resolves to;
 *   <li>a ref: {@code current}, {@code previous}, {@code staged}, {@code pin/NAME} or a pin name;
 *   <li>a full 40-digit manifest id held in the store;
 *   <li>a label ({@code label/L} or just {@code L});
 *   <li>a unique prefix (4 to 39 hex digits) of a manifest id; an ambiguous prefix is an error
 *       that lists the candidates.
 * </ol>
 * Thread-safe; reads only.
 */
public final class VersionResolver {
  /** The fewest hex digits that name a version by its id's prefix. */
  public static final int MIN_PREFIX = 4;

  /**
   * Whether {@code name} could read as a manifest id or a prefix of one: {@link #MIN_PREFIX} or
   * more of the digits 0-9 and a-f alone (a prefix is 4 to 39 of them, an id 40). A label or pin so named would shadow, or be shadowed by,
   * the versions whose ids begin so.
   */
  public static boolean readsAsIdPrefix(String name) {
    return name.length() >= MIN_PREFIX && name.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
  }

  private final Refs refs;
  private final ObjectDatabase objects;

  VersionResolver(Refs refs, ObjectDatabase objects) {
    this.refs = refs;
    this.objects = objects;
  }

  public ObjectId resolve(String version) throws IOException, VersionException {
    if (version == null || version.isBlank()) {
      throw new VersionException(VersionException.Reason.UNKNOWN, "empty VERSION: give an id, prefix, label or ref");
    }
    int tilde = version.lastIndexOf('~');
    if (tilde > 0) {
      String count = version.substring(tilde + 1);
      int n;
      try {
        n = count.isEmpty() ? 1 : Integer.parseInt(count);
      } catch (NumberFormatException e) {
        throw new VersionException(VersionException.Reason.UNKNOWN, "bad parent count in " + version + ": use REF~N");
      }
      if (n < 0) {
        throw new VersionException(VersionException.Reason.UNKNOWN, "negative parent count in " + version);
      }
      ObjectId id = resolve(version.substring(0, tilde));
      for (int i = 0; i < n; i++) {
        Manifest m = objects.readManifest(id);
        if (m.parent() == null) {
          throw new VersionException(VersionException.Reason.NO_PARENT,
              version + ": version " + id + " (" + (i) + " back) has no parent");
        }
        id = m.parent();
        if (objects.store().statOrNull(id) == null) {
          // gc removes old versions (a laptop keeps a few); their children still name them
          throw new VersionException(VersionException.Reason.UNKNOWN, version + " is version " + id.name()
              + ", which this repository no longer keeps (gc removed it); 'casfs log' shows the versions it has");
        }
      }
      return id;
    }
    ObjectId ref = refOrNull(version);
    if (ref != null) {
      return ref;
    }
    if (ObjectId.isValid(version)) {
      ObjectId id = ObjectId.fromString(version);
      ObjectInfo info = objects.store().statOrNull(id);
      if (info == null) {
        throw new VersionException(VersionException.Reason.UNKNOWN, "no version " + version + " in this repository; "
            + "pull it first or see 'casfs log'");
      }
      if (info.type() != ObjectType.MANIFEST) {
        throw new VersionException(VersionException.Reason.UNKNOWN, version + " is a " + info.type()
            + ", not a version (manifest)");
      }
      return id;
    }
    ObjectId label = refs.getOrNull(version.startsWith(Refs.LABEL_PREFIX) ? version : Refs.LABEL_PREFIX + version);
    if (label != null) {
      return label;
    }
    if (readsAsIdPrefix(version) && version.length() < 40) {
      TreeSet<ObjectId> found = new TreeSet<>(refs.versionsWithPrefix(version));
      if (found.isEmpty()) {
        // Versions written before the index existed, or by other tools: scan the store once.
        objects.store().forEach(info -> {
          if (info.type() == ObjectType.MANIFEST && info.id().name().startsWith(version)) {
            found.add(info.id());
          }
          return true;
        });
      }
      if (found.size() == 1) {
        return found.first();
      }
      if (found.size() > 1) {
        List<String> names = new ArrayList<>();
        found.forEach(id -> names.add(id.name()));
        throw new VersionException(VersionException.Reason.AMBIGUOUS, "version prefix " + version + " is ambiguous; "
            + "it matches " + String.join(", ", names) + ": give more digits", names);
      }
    }
    throw new VersionException(VersionException.Reason.UNKNOWN, "unknown version '" + version
        + "': not a ref (current, previous, staged, a pin), label, manifest id or id prefix of at least "
        + MIN_PREFIX + " digits; see 'casfs log'");
  }

  /**
   * True if {@code version}, as typed, names a ref, a pin or a label: what {@link #resolve} takes
   * it for before an id prefix. {@code casfs show}, which also shows objects by id prefix, asks this
   * so that a VERSION means the same in every command (a label such as {@code 839a}, made before
   * such labels were refused, is that label everywhere, as a git branch named like a hash is).
   */
  public boolean namesRefOrLabel(String version) throws IOException {
    try {
      if (refOrNull(version) != null) {
        return true;
      }
    } catch (VersionException e) {
      return true; // current, previous or staged, not set yet: still a ref's name, never a prefix
    }
    return refs.getOrNull(version.startsWith(Refs.LABEL_PREFIX) ? version : Refs.LABEL_PREFIX + version) != null;
  }

  private ObjectId refOrNull(String name) throws IOException, VersionException {
    switch (name) {
      case Refs.CURRENT, Refs.PREVIOUS, Refs.STAGED -> {
        ObjectId id = refs.getOrNull(name);
        if (id == null) {
          throw new VersionException(VersionException.Reason.UNKNOWN, "ref '" + name + "' is not set yet"
              + (name.equals(Refs.STAGED) ? " (nothing pulled and waiting)" : " (no version was switched to)"));
        }
        return id;
      }
      default -> {
        if (name.startsWith(Refs.PIN_PREFIX)) {
          return refs.getOrNull(name);
        }
        return refs.getOrNull(Refs.PIN_PREFIX + name);
      }
    }
  }
}
