package org.casfs.cas.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A temporary directory for tests whose trees the JDK cannot delete (names that are not UTF-8,
 * read-only directories, device nodes): removed with {@code rm -rf} on close. Shared with other
 * modules' tests through the cas test-jar.
 */
public final class ScratchDir implements AutoCloseable {
  private final Path dir;

  public ScratchDir(String prefix) throws IOException {
    this.dir = Files.createTempDirectory(prefix);
  }

  public Path path() {
    return dir;
  }

  public Path resolve(String name) {
    return dir.resolve(name);
  }

  @Override
  public void close() throws IOException {
    TreeListing.run(dir.getParent(), "rm", "-rf", "--one-file-system", dir.toString());
  }
}
