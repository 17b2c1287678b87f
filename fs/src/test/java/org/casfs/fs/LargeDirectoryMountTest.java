package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writable mount lists a directory of thousands of entries, many kernel buffers long, with
 * every name exactly once and in order: the mount reads the transaction's listing a page at a
 * time from the name each buffer ended at, and names of every length from 1 to 255 bytes make the
 * buffers end at different places in those pages.
 */
class LargeDirectoryMountTest {
  @TempDir Path tmp;

  private static final String LIST = String.join("\n",
      "import itertools, os, sys",
      "names = [e.name for e in itertools.islice(os.scandir(sys.argv[1]), 3000)]  # a listing that loops ends",
      "print(len(names), len(set(names)), names == sorted(names, key=os.fsencode))",
      "sys.stdout.write('\\n'.join(sorted(names)))");

  @Test
  void listsEveryNameOnceAcrossManyBuffers() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("keep"), "keep\n");
    try (MountedRepo m = new MountedRepo(tmp)) {
      m.mountWritable(src, MountOptions.defaults());
      Path dir = Files.createDirectories(m.mountPoint.resolve("big"));
      List<String> want = new ArrayList<>();
      for (int i = 0; i < 2500; i++) {
        char[] pad = new char[random.nextInt(250)];
        Arrays.fill(pad, (char) ('a' + random.nextInt(26)));
        String name = String.format("%05d", i) + new String(pad);
        Files.createFile(dir.resolve(name));
        want.add(name);
      }
      XattrFeaturesMountTest.Run list = XattrFeaturesMountTest.run("python3", "-c", LIST, dir.toString());
      String[] lines = list.out().split("\n", -1);
      assertThat(lines[0]).as("seed %d: count, distinct, in name order", seed).isEqualTo("2500 2500 True");
      assertThat(Arrays.asList(lines).subList(1, lines.length)).as("seed %d", seed).isEqualTo(want);
    }
  }
}
