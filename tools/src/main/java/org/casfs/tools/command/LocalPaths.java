package org.casfs.tools.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Paths on this machine that a command is given (the directory to import, the checkout target),
 * read as the kernel reads them, and so as {@code ls}, {@code cp} and {@code mkdir -p} do: each
 * symlink on the way is followed and a {@code ..} after it goes up from where it led. Textual
 * simplification ({@link Path#normalize}) read {@code work/lnk/..}, with {@code lnk -> ../outer/inner},
 * as {@code work} where {@code ls} shows {@code outer}. Stateless.
 */
final class LocalPaths {
  private LocalPaths() {}

  /**
   * {@code path} with its longest existing part resolved by the kernel ({@link Path#toRealPath}, a
   * symlink to a directory followed, even the last) and the rest, which does not exist yet and so
   * holds no symlink, appended as written ({@code ..} there climbs what the command will create,
   * as {@code mkdir -p} does). A dangling symlink at the end stays itself, for the caller to refuse.
   */
  static Path resolved(Path path) throws IOException {
    Path abs = path.toAbsolutePath();
    Path root = abs.getRoot();
    int n = abs.getNameCount();
    for (int i = n; i > 0; i--) {
      Path existing = root.resolve(abs.subpath(0, i));
      if (Files.exists(existing)) {
        Path real = existing.toRealPath();
        return i == n ? real : real.resolve(abs.subpath(i, n)).normalize();
      }
    }
    return n == 0 ? root : root.resolve(abs.subpath(0, n)).normalize();
  }
}
