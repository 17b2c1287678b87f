package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.TreeMap;
import org.casfs.cas.ObjectId;
import org.casfs.txn.Transaction;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writable mount shows the inode numbers a read-only mount of the same version shows (as
 * DESIGN.md promises: stable across remounts and versions), a renamed file keeps its number for
 * as long as the mount's transaction lasts, a new file where a renamed one was gets another, and
 * after a remount and after a commit the numbers are again the read-only mount's. Read through
 * `find -printf %i`, so through the kernel.
 */
class InodeNumbersMountTest {
  @TempDir Path tmp;

  @Test
  void aWritableMountNumbersFilesAsAReadOnlyMountDoes() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.createDirectories(src.resolve("d/sub"));
    Files.createDirectories(src.resolve("keep"));
    Files.writeString(src.resolve("d/f"), "f");
    Files.writeString(src.resolve("d/sub/g"), "g");
    Files.writeString(src.resolve("keep/h"), "h");
    Files.createLink(src.resolve("keep/h2"), src.resolve("keep/h"));
    Files.createSymbolicLink(src.resolve("keep/s"), Path.of("h"));
    MountOptions rw = MountOptions.defaults().withWritable(true);
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId base = m.importDir(src);
      Versions versions = Versions.of(m.repo);
      m.mount(base, MountOptions.defaults());
      Map<String, Long> readOnly = numbers(m.mountPoint);
      m.unmount();
      assertThat(readOnly.get("keep/h2")).isEqualTo(readOnly.get("keep/h"));
      assertThat(new HashSet<>(readOnly.values())).hasSize(readOnly.size() - 1);

      m.mountImage(versions, base, rw);
      assertThat(numbers(m.mountPoint)).as("a writable mount of the same version").isEqualTo(readOnly);
      Files.move(m.mountPoint.resolve("d"), m.mountPoint.resolve("e"));
      Files.createDirectories(m.mountPoint.resolve("d"));
      Files.writeString(m.mountPoint.resolve("d/f"), "new");
      Map<String, Long> moved = numbers(m.mountPoint);
      assertThat(moved.get("e")).isEqualTo(readOnly.get("d"));
      assertThat(moved.get("e/f")).as("a renamed file keeps its number").isEqualTo(readOnly.get("d/f"));
      assertThat(moved.get("e/sub/g")).isEqualTo(readOnly.get("d/sub/g"));
      assertThat(moved.get("d")).as("a new directory where the renamed one was").isNotEqualTo(readOnly.get("d"));
      assertThat(moved.get("d/f")).isNotEqualTo(readOnly.get("d/f"));
      assertThat(new HashSet<>(moved.values())).as("distinct but for the hard link").hasSize(moved.size() - 1);
      for (String kept : new String[] {"keep", "keep/h", "keep/h2", "keep/s"}) {
        assertThat(moved.get(kept)).as(kept).isEqualTo(readOnly.get(kept));
      }
      m.unmount();

      m.mountImage(versions, null, rw); // the transaction outlives the mount
      Map<String, Long> remounted = numbers(m.mountPoint);
      assertThat(new HashSet<>(remounted.values())).as("after a remount").hasSize(remounted.size() - 1);
      for (String kept : new String[] {"keep", "keep/h", "keep/h2", "keep/s"}) {
        assertThat(remounted.get(kept)).as("after a remount: %s", kept).isEqualTo(readOnly.get(kept));
      }
      m.unmount();

      Transaction txn = versions.transactions().openOrNull();
      ObjectId next = txn.commit("renamed").manifest();
      m.mount(next, MountOptions.defaults());
      Map<String, Long> committed = numbers(m.mountPoint);
      m.unmount();
      m.mountImage(versions, next, rw);
      assertThat(numbers(m.mountPoint)).as("a writable mount of the commit").isEqualTo(committed);
      m.unmount();
    }
  }

  /** Each path under {@code dir} (but the root) with its inode number, as {@code find} sees it. */
  private static Map<String, Long> numbers(Path dir) throws Exception {
    XattrFeaturesMountTest.Run find = XattrFeaturesMountTest.run("find", dir.toString(), "-mindepth", "1", "-printf",
        "%i %P\\n");
    assertThat(find.code()).as(find.out()).isZero();
    Map<String, Long> out = new TreeMap<>();
    for (String line : find.out().split("\n")) {
      int space = line.indexOf(' ');
      out.put(line.substring(space + 1), Long.parseUnsignedLong(line.substring(0, space)));
    }
    return out;
  }
}
