package org.casfs.cas.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.casfs.cas.Entry;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.io.ImportResult;
import org.casfs.cas.io.Importer;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.cas.store.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fsck, diff and gc on the real Debian roots of the corpus (v1 and v2 = v1 + security updates),
 * each checked against what the file system itself says.
 */
class CorpusChecksTest {
  @TempDir
  Path tmp;

  static Path corpus() {
    return Path.of(System.getProperty("casfs.corpus", "/var/cache/casfs-corpus"));
  }

  @Test
  void fsckDiffAndGcOnDebianV1AndV2() throws Exception {
    Path v1Dir = corpus().resolve("v1");
    Path v2Dir = corpus().resolve("v2");
    assumeTrue(Files.isDirectory(v1Dir) && Files.isDirectory(v2Dir), "no corpus at " + corpus());
    try (Repository repo = Repository.init(tmp.resolve("repo"), RepoConfig.defaults())) {
      ObjectDatabase db = repo.objectDatabase();
      ObjectId v1 = importVersion(repo, v1Dir, null, 1);
      ObjectId v2 = importVersion(repo, v2Dir, v1, 2);

      FsckReport fsck = new Fsck(repo.objects()).roots(List.of(v1, v2)).run();
      assertThat(fsck.problems()).isEmpty();
      assertThat(fsck.objectsChecked()).isEqualTo(GcTest.count(repo.objects()));
      assertThat(fsck.bytesChecked()).isGreaterThan(50_000_000L);

      // diff against the file systems' own answer
      TreeMap<String, String> a = describe(v1Dir);
      TreeMap<String, String> b = describe(v2Dir);
      Set<String> added = new TreeSet<>(b.keySet());
      added.removeAll(a.keySet());
      Set<String> removed = new TreeSet<>(a.keySet());
      removed.removeAll(b.keySet());
      Set<String> contentOrType = new TreeSet<>();
      for (String p : a.keySet()) {
        if (b.containsKey(p) && !a.get(p).equals(b.get(p))) {
          contentOrType.add(p);
        }
      }
      DiffReport d = new TreeDiff(db).diff(Snapshot.open(db, v1), Snapshot.open(db, v2));
      Set<String> dAdded = new TreeSet<>();
      Set<String> dRemoved = new TreeSet<>();
      Set<String> dContent = new TreeSet<>();
      for (Change c : d.changes()) {
        switch (c.kind()) {
          case ADDED -> dAdded.add(c.printablePath());
          case REMOVED -> dRemoved.add(c.printablePath());
          case CHANGED -> {
            if (!c.isMetadataOnly()) {
              dContent.add(c.printablePath());
            }
          }
        }
      }
      assertThat(dAdded).isEqualTo(added);
      assertThat(dRemoved).isEqualTo(removed);
      assertThat(dContent).isEqualTo(contentOrType);
      assertThat(contentOrType).isNotEmpty(); // the security update changed files
      assertThat(d.changed()).isGreaterThanOrEqualTo(contentOrType.size());

      // gc keeping v2 removes exactly what only v1 reaches
      Set<ObjectId> reach1 = reachable(db, v1);
      Set<ObjectId> reach2 = reachable(db, v2);
      Set<ObjectId> onlyV1 = new HashSet<>(reach1);
      onlyV1.removeAll(reach2);
      GcReport gc = new Gc(repo.objects()).run(List.of(v2));
      assertThat(gc.removed()).isEqualTo(onlyV1.size());
      assertThat(gc.reachable()).isEqualTo(reach2.size());
      assertThat(GcTest.count(repo.objects())).isEqualTo(reach2.size());
      assertThat(new Fsck(repo.objects()).roots(List.of(v2)).run().isClean()).isTrue();
    }
  }

  private static ObjectId importVersion(Repository repo, Path dir, ObjectId parent, long seq) throws IOException {
    ImportResult r = new Importer(repo.objectDatabase()).importDirectory(dir,
        ImportOptions.defaults().withStatCache(repo.kv()), null);
    repo.flush();
    return repo.objectDatabase().writeManifest(new Manifest(r.root(), r.rootMeta(), "stable", seq, "v" + seq, parent,
        0)).id();
  }

  /** Every object a version reaches, the manifest included. */
  static Set<ObjectId> reachable(ObjectDatabase db, ObjectId manifest) throws IOException {
    Set<ObjectId> seen = new HashSet<>();
    seen.add(manifest);
    Deque<ObjectId> trees = new ArrayDeque<>();
    ObjectId root = db.readManifest(manifest).rootId();
    seen.add(root);
    trees.push(root);
    while (!trees.isEmpty()) {
      for (Entry e : db.readTree(trees.pop()).entries()) {
        if (e.childId() != null && seen.add(e.childId()) && e.isDirectory()) {
          trees.push(e.childId());
        }
      }
    }
    return seen;
  }

  /** "/path" -> type and content (sha1 for files, target for symlinks) of every path below {@code root}. */
  static TreeMap<String, String> describe(Path root) throws Exception {
    TreeMap<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.equals(root)) {
          continue;
        }
        String rel = "/" + root.relativize(p);
        if (Files.isSymbolicLink(p)) {
          out.put(rel, "l " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(rel, "d");
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(rel, "f " + sha1(p));
        } else {
          out.put(rel, "s " + Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS));
        }
      }
    }
    return out;
  }

  static String sha1(Path p) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-1");
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return java.util.HexFormat.of().formatHex(md.digest());
  }
}
