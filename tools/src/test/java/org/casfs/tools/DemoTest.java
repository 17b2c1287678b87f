package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code casfs demo} runs all its steps on a small generated tree and removes its scratch directory. */
class DemoTest {
  @TempDir Path tmp;

  @Test
  void theDemoVerifiesItsCheckoutAndCleansUp() throws Exception {
    Path src = TestTreeFiles.write(tmp.resolve("src"), 3);
    Path tool = src.resolve("bin/tool");
    Files.writeString(tool, "#!/bin/sh\n");
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-x---"));
    Files.createLink(src.resolve("bin/tool-again"), tool);
    Path work = tmp.resolve("work");
    CliRunner.Result r = new CliRunner().run("demo", "--source", src.toString(), "--work", work.toString());
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).contains("[1/", "$ casfs import " + src, "identical: sha1sum of every regular file (4 lines)",
        "identical: modes, owners and mtimes of directories", "no problems", "steps done in");
    if (Files.exists(Path.of("/dev/fuse"))) { // the mount steps: a program from the mount, switch, rollback
      assertThat(r.out()).contains("$ casfs mount ", "these commands run inside the mount process",
          "after the switch, the mount shows the second version's casfs-demo.txt",
          "after the rollback, the mount shows the first version's casfs-demo.txt", "its last line: (absent)",
          "mount process exited (exit 0); control socket removed");
    }
    // the sync and peers steps: a client pulls over loopback and switches; origin -> A -> B
    assertThat(r.out()).contains("$ casfs sign first", "$ casfs sign update", "$ CASFS_REPO=client casfs pull http://127.0.0.1:",
        "    switched to ", "$ casfs mirror ", "$ CASFS_REPO=laptop casfs pull --from-dir ", "peer B: switched to ", "from peer A (http://127.0.0.1:", "never from the origin");
    // the repair step: a damaged block of the laptop's database, salvaged and repaired from the stick
    assertThat(r.out()).contains("flipped one bit in the first block of laptop/db/", "the repository's database is damaged",
        "$ CASFS_REPO=laptop casfs fsck --repair ", "rebuilt it from every record that could still be read");
    assertThat(work).doesNotExist();
  }

  @Test
  void aDemoThatFailsSaysWhichCommandAndStillCleansUp() throws Exception {
    Path work = tmp.resolve("work");
    Path notATree = Files.writeString(tmp.resolve("file"), "x");
    CliRunner.Result r = new CliRunner().run("demo", "--source", notATree.toString(), "--work", work.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).hasLineCount(1).contains("is not a directory");
    assertThat(work).doesNotExist();
  }
}
