package org.casfs.fs;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.casfs.cas.Entry;
import org.casfs.cas.Metadata;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Snapshot;

/**
 * Extended attributes that stand for a filesystem feature rather than for a file's data: SELinux
 * labels ({@code security.selinux}) and POSIX ACLs ({@code system.posix_acl_access},
 * {@code system.posix_acl_default}). A version that carries one of them on no file does not use
 * that feature, and a read-only mount of it answers "not supported" ({@code EOPNOTSUPP}) for it,
 * as a filesystem without the feature does, instead of "no such attribute" ({@code ENODATA}) for
 * every file.
 *
 * <p>Why: {@code ls -l} asks both features of every file it lists, and FUSE caches no xattr
 * answer, so a warm {@code ls -lR} of a Debian root was 13,476 GETXATTR requests. coreutils
 * remembers a device that answered "not supported" and stops asking it; the same listing now
 * costs two. The names used are found by one walk of the version's trees, at the first question
 * about a version. Thread-safe.
 */
final class XattrFeatures {
  static final Set<String> FEATURE_NAMES = Set.of("security.selinux", "system.posix_acl_access",
      "system.posix_acl_default");
  /** Versions remembered: the one shown and the few before a switch. */
  private static final int VERSIONS_KEPT = 4;

  private final Map<ObjectId, Set<String>> usedByVersion = new ConcurrentHashMap<>();

  /** True if {@code name} is a feature name that no file of {@code version} carries. */
  boolean unused(Snapshot version, String name) throws IOException {
    if (!FEATURE_NAMES.contains(name)) {
      return false;
    }
    Set<String> used = usedByVersion.get(version.id());
    if (used == null) {
      used = featureNamesIn(version);
      if (usedByVersion.size() >= VERSIONS_KEPT) {
        usedByVersion.clear();
      }
      usedByVersion.put(version.id(), used);
    }
    return !used.contains(name);
  }

  private static Set<String> featureNamesIn(Snapshot version) throws IOException {
    Set<String> used = new HashSet<>();
    addFeatureNames(version.manifest().rootMeta(), used);
    Set<ObjectId> seen = new HashSet<>();
    Deque<Entry> dirs = new ArrayDeque<>();
    dirs.add(version.root());
    while (!dirs.isEmpty() && used.size() < FEATURE_NAMES.size()) {
      Entry dir = dirs.poll();
      if (!seen.add(dir.childId())) {
        continue;
      }
      for (Entry e : version.tree(dir).entries()) {
        addFeatureNames(e.meta(), used);
        if (e.isDirectory()) {
          dirs.add(e);
        }
      }
    }
    return Set.copyOf(used);
  }

  private static void addFeatureNames(Metadata meta, Set<String> used) {
    if (meta.xattrs().size() == 0) {
      return;
    }
    for (String n : meta.xattrs().names()) {
      if (FEATURE_NAMES.contains(n)) {
        used.add(n);
      }
    }
  }
}
