package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.casfs.cas.ObjectId;
import org.casfs.txn.Transaction;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a writable mount leaves when it ends: its transaction if anything was changed (to commit
 * later), nothing if not, so that an unchanged mount does not block the next import.
 */
class WritableMountEndTest {
  @TempDir Path tmp;

  @Test
  void aMountThatChangedNothingLeavesNoTransaction() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a"), "a");
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId base = m.importDir(src);
      Versions versions = Versions.of(m.repo);
      MountOptions rw = MountOptions.defaults().withWritable(true);

      m.mountImage(versions, base, rw);
      assertThat(Files.readString(m.mountPoint.resolve("a"))).isEqualTo("a");
      m.unmount();
      assertThat(versions.transactions().openOrNull()).as("only read: nothing left").isNull();

      m.mountImage(versions, base, rw);
      Files.writeString(m.mountPoint.resolve("b"), "b");
      Transaction written = m.imageMount.transaction();
      written.commit("b"); // as 'casfs commit' through the mount's control socket
      assertThat(Files.readString(m.mountPoint.resolve("b"))).as("the mount goes on in a new transaction")
          .isEqualTo("b");
      m.unmount();
      assertThat(versions.transactions().openOrNull()).as("the new one changed nothing").isNull();

      m.mountImage(versions, base, rw);
      Files.writeString(m.mountPoint.resolve("c"), "c");
      m.unmount();
      Transaction kept = versions.transactions().openOrNull();
      assertThat(kept).as("a change is kept for a later commit").isNotNull();
      assertThat(kept.hasChanges()).isTrue();
    }
  }
}
