package org.casfs.sync.delta;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.casfs.cas.Entry;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.check.Change;
import org.casfs.cas.check.TreeDiff;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.Snapshot;

/**
 * The regular files whose bytes differ between two versions, each paired with the old blob to
 * diff against: the same path first, then {@link RenamePairing} for files at new paths. Files
 * whose new blob the old version already holds (at any changed path) are left out: the client
 * has them. Each new blob appears once (hardlinks and copies share it). Thread-safe (stateless).
 */
public final class ChangedFiles {
  private final ObjectDatabase db;

  public ChangedFiles(ObjectDatabase db) {
    this.db = db;
  }

  /** What changed, in the new version's path order. */
  public record Result(List<FilePair> pairs, List<Entry> unpaired, List<String> unpairedPaths) {}

  public Result between(ObjectId oldManifest, ObjectId newManifest) throws IOException {
    Snapshot from = Snapshot.open(db, oldManifest);
    Snapshot to = Snapshot.open(db, newManifest);
    List<FilePair> pairs = new ArrayList<>();
    Map<String, Entry> added = new LinkedHashMap<>();
    List<RenamePairing.Candidate<Entry>> removed = new ArrayList<>();
    Set<ObjectId> oldBlobs = new HashSet<>();
    Set<ObjectId> seenNew = new HashSet<>();
    new TreeDiff(db).walk(from, to, (Change c) -> {
      Entry before = c.before();
      Entry after = c.after();
      String path = pathOf(c.path());
      if (before != null && before.isRegular()) {
        oldBlobs.add(before.childId());
      }
      boolean newFile = after != null && after.isRegular();
      if (c.kind() == Change.Kind.CHANGED && newFile && before.isRegular()) {
        if (!before.childId().equals(after.childId()) && seenNew.add(after.childId())) {
          pairs.add(new FilePair(path, path, before.child(), before.size(), after.child(), after.size()));
        }
      } else {
        if (before != null && before.isRegular()) {
          removed.add(new RenamePairing.Candidate<>(path, before.size(), before));
        }
        if (newFile && seenNew.add(after.childId())) {
          added.put(path, after);
        }
      }
    });
    List<RenamePairing.Candidate<Entry>> addedCandidates = new ArrayList<>();
    for (Map.Entry<String, Entry> a : added.entrySet()) {
      if (!oldBlobs.contains(a.getValue().childId())) {
        addedCandidates.add(new RenamePairing.Candidate<>(a.getKey(), a.getValue().size(), a.getValue()));
      }
    }
    var paired = RenamePairing.pair(addedCandidates, removed);
    List<Entry> unpaired = new ArrayList<>();
    List<String> unpairedPaths = new ArrayList<>();
    for (RenamePairing.Candidate<Entry> a : addedCandidates) {
      RenamePairing.Candidate<Entry> old = paired.get(a);
      if (old == null) {
        unpaired.add(a.value());
        unpairedPaths.add(a.path());
      } else {
        pairs.add(new FilePair(a.path(), old.path(), old.value().child(), old.size(), a.value().child(), a.size()));
      }
    }
    pairs.removeIf(p -> oldBlobs.contains(p.newBlob().id()));
    return new Result(List.copyOf(pairs), List.copyOf(unpaired), List.copyOf(unpairedPaths));
  }

  /** Paths as {@code /a/b}; bytes that are not UTF-8 are kept one char per byte. */
  static String pathOf(List<Name> names) {
    StringBuilder sb = new StringBuilder();
    for (Name n : names) {
      sb.append('/').append(new String(n.bytes(), StandardCharsets.ISO_8859_1));
    }
    return sb.length() == 0 ? "/" : sb.toString();
  }
}
