package org.casfs.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Small real directory trees for CLI tests: text files, a loose-sized blob, a symlink. */
final class TestTreeFiles {
  private TestTreeFiles() {}

  /** Writes a tree under {@code dir}: etc/hostname, bin/big.bin (100 KB, seeded), lib -> bin. */
  static Path write(Path dir, long seed) throws IOException {
    Files.createDirectories(dir.resolve("etc"));
    Files.createDirectories(dir.resolve("bin"));
    Files.writeString(dir.resolve("etc/hostname"), "laptop-" + seed + "\n", StandardCharsets.UTF_8);
    byte[] big = new byte[100_000];
    new Random(seed).nextBytes(big);
    Files.write(dir.resolve("bin/big.bin"), big);
    Files.createSymbolicLink(dir.resolve("lib"), Path.of("bin"));
    return dir;
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
