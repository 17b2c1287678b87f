package org.casfs.cas.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.casfs.cas.posix.FileStat;
import org.casfs.cas.posix.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An import reads the file it {@code lstat}ed and nothing else: whatever takes its place before
 * it is opened (a live root changes under the import) is refused with "changed while it was
 * imported", never read as that file's bytes, and a FIFO is never waited on.
 */
class FileInputTest {
  private static final int S_IFIFO = 0010000;

  @TempDir Path tmp;

  @Test
  void theFileThatWasStatedIsRead() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "content");
    byte[] path = Posix.bytes(f);
    byte[] buf = new byte[7];
    try (FileInput in = new FileInput(path, Posix.lstat(path))) {
      in.readFully(buf);
    }
    assertThat(new String(buf, StandardCharsets.US_ASCII)).isEqualTo("content");
  }

  private interface Change {
    void apply(Path file) throws Exception;
  }

  /** What opening a file fails with once {@code change} happened to it after its {@code lstat}. */
  private Throwable openedAfter(Change change) throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "content");
    byte[] path = Posix.bytes(f);
    FileStat st = Posix.lstat(path);
    change.apply(f);
    return catchThrowable(() -> new FileInput(path, st).close());
  }

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // before, open() waited for a writer
  void aFifoPutInItsPlaceIsRefusedNotWaitedOn() throws Exception {
    Throwable t = openedAfter(f -> {
      Files.delete(f);
      Posix.mknod(Posix.bytes(f), S_IFIFO | 0644, 0);
    });
    assertThat(t).hasMessageContaining(tmp.resolve("f") + " changed while it was imported (another kind of file"
        + " took its place)");
  }

  @Test
  void anotherFileRenamedOverItIsRefused() throws Exception {
    Throwable t = openedAfter(f -> Files.move(Files.writeString(tmp.resolve("g"), "CONTENT"), f,
        StandardCopyOption.ATOMIC_MOVE));
    assertThat(t).hasMessageContaining(tmp.resolve("f") + " changed while it was imported (another file took its"
        + " place)");
  }

  @Test
  void aFileRemovedBeforeItIsOpenedIsTheTreeChanging() throws Exception {
    Throwable t = openedAfter(Files::delete);
    assertThat(t).hasMessage(tmp.resolve("f") + " was removed while it was imported (the tree is changing); import"
        + " again when it is quiet");
  }

  /**
   * A directory whose files are removed and made again while it is imported (a live system's
   * spool): each import either makes a version or fails saying the tree changed, never with a bare
   * "No such file or directory" (what the walk's lstat of a file gone since the listing said).
   */
  @Test
  void anImportOfAChurningTreeFailsOnlySayingItChanged() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("spool"));
    for (int i = 0; i < 2000; i++) {
      Files.writeString(src.resolve("f" + i), "x" + i);
    }
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread churn = new Thread(() -> {
      for (int round = 0; !stop.get(); round++) {
        Path p = src.resolve("f" + (round * 37 % 2000));
        try {
          Files.deleteIfExists(p);
          Files.writeString(p, "y");
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    });
    churn.start();
    int failed = 0;
    try (org.casfs.cas.store.Repository repo = org.casfs.cas.store.Repository.init(tmp.resolve("repo"),
        org.casfs.cas.store.RepoConfig.defaults())) {
      for (int i = 0; i < 10; i++) {
        try {
          new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults(), null);
        } catch (java.io.IOException e) {
          failed++;
          assertThat(e.getMessage()).matches(".* (was removed|changed) while it was imported .*; import again when it"
              + " is quiet");
        }
      }
    } finally {
      stop.set(true);
      churn.join();
    }
    System.out.println("imports of a churning tree that failed (saying so): " + failed + " of 10");
  }
}
