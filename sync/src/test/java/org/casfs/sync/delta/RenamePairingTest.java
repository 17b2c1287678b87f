package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.MemoryObjectStore;
import org.casfs.cas.store.ObjectDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenamePairingTest {
  @Test
  void versionAgnosticKeyReplacesDigitRuns() {
    assertThat(RenamePairing.versionAgnosticKey("/usr/lib/libfoo.so.1.2")).isEqualTo("/usr/lib/libfoo.so.#.#");
    assertThat(RenamePairing.versionAgnosticKey("/lib/modules/6.1.0-50-amd64/x.ko"))
        .isEqualTo("/lib/modules/#.#.#-#-amd64/x.ko");
    assertThat(RenamePairing.versionAgnosticKey("/usr/share/doc/libc6")).isEqualTo("/usr/share/doc/libc6");
    assertThat(RenamePairing.versionAgnosticKey("/usr/lib/python3.11/x86_64/a-1.2+b3~4"))
        .isEqualTo("/usr/lib/python3.#/x86_64/a-#.#+b3~#");
    assertThat(RenamePairing.versionAgnosticKey("/etc/passwd")).isEqualTo("/etc/passwd");
  }

  @Test
  void pairsByKeyThenByBasenameAndSize() {
    var removed = List.of(cand("/usr/lib/libfoo.so.1.2", 1000), cand("/usr/lib/libfoo.so.1.1", 400),
        cand("/opt/old/tool", 5000), cand("/opt/old/other", 50));
    var added = List.of(cand("/usr/lib/libfoo.so.1.3", 1010), cand("/opt/new/tool", 5200),
        cand("/opt/new/other", 5000), cand("/srv/unrelated", 10));
    Map<String, String> got = new HashMap<>();
    RenamePairing.pair(added, removed).forEach((a, r) -> got.put(a.path(), r.path()));
    assertThat(got).containsEntry("/usr/lib/libfoo.so.1.3", "/usr/lib/libfoo.so.1.2")
        .containsEntry("/opt/new/tool", "/opt/old/tool")
        .doesNotContainKey("/opt/new/other") // 50 -> 5000 bytes: not the same file
        .doesNotContainKey("/srv/unrelated");
  }

  private static RenamePairing.Candidate<String> cand(String path, long size) {
    return new RenamePairing.Candidate<>(path, size, path);
  }

  /**
   * A kernel-style update on real binaries: every file of a versioned directory moves to a new
   * version's directory and changes a little, and a versioned library is renamed. Each new file
   * must pair with its own old file, and its delta must be far smaller than the file.
   */
  @Test
  void wholeVersionedDirectoryRenamedPairsEveryFile(@TempDir Path tmp) throws Exception {
    Path corpus = TestVersions.corpus();
    Path lib = corpus.resolve("v1/usr/lib/x86_64-linux-gnu");
    List<Path> sources;
    try (var s = Files.list(lib)) {
      sources = s.filter(p -> Files.isRegularFile(p) && !Files.isSymbolicLink(p))
          .filter(p -> p.getFileName().toString().endsWith(".so") || p.getFileName().toString().contains(".so."))
          .filter(p -> size(p) > 20_000 && size(p) < 400_000).sorted().limit(12).toList();
    }
    assertThat(sources).hasSizeGreaterThan(5);
    Random r = new Random(42);
    Path v1 = Files.createDirectories(tmp.resolve("v1/lib/modules/6.1.0-50-amd64/kernel"));
    Path v2 = Files.createDirectories(tmp.resolve("v2/lib/modules/6.1.0-56-amd64/kernel"));
    for (Path src : sources) {
      byte[] old = Files.readAllBytes(src);
      String name = src.getFileName().toString().replaceAll("\\.so.*", "") + ".ko";
      Files.write(v1.resolve(name), old);
      Files.write(v2.resolve(name), RandomEdits.edit(r, old, 3));
    }
    byte[] foo = Files.readAllBytes(sources.get(0));
    Files.createDirectories(tmp.resolve("v1/usr/lib"));
    Files.createDirectories(tmp.resolve("v2/usr/lib"));
    Files.write(tmp.resolve("v1/usr/lib/libfoo.so.1.2"), foo);
    Files.write(tmp.resolve("v2/usr/lib/libfoo.so.1.3"), RandomEdits.edit(r, foo, 2));

    ObjectDatabase db = new ObjectDatabase(new MemoryObjectStore(), 1 << 20);
    ObjectId m1 = TestVersions.importVersion(db, tmp.resolve("v1"), 1);
    ObjectId m2 = TestVersions.importVersion(db, tmp.resolve("v2"), 2);
    ChangedFiles.Result changed = new ChangedFiles(db).between(m1, m2);

    assertThat(changed.unpairedPaths()).isEmpty();
    assertThat(changed.pairs()).hasSize(sources.size() + 1).allSatisfy(p -> {
      assertThat(p.renamed()).isTrue();
      assertThat(p.oldPath().replace("6.1.0-50", "6.1.0-56").replace("so.1.2", "so.1.3")).isEqualTo(p.newPath());
    });
    DeltaPlanner planner = new DeltaPlanner(db.store(), DeltaBudget.defaults());
    for (FilePair p : changed.pairs()) {
      FileDelta d = planner.compute(p);
      assertThat(d.chosenOrNull()).as(p.newPath()).isNotNull();
      assertThat(d.chosenOrNull().length).as(p.newPath()).isLessThan((int) (p.newSize() / 4));
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
