package org.casfs.cas.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // before, open() waited for a writer
  void aFifoPutInItsPlaceIsRefusedNotWaitedOn() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "content");
    byte[] path = Posix.bytes(f);
    FileStat st = Posix.lstat(path);
    Files.delete(f);
    Posix.mknod(path, S_IFIFO | 0644, 0);
    assertThatThrownBy(() -> new FileInput(path, st).close())
        .hasMessageContaining(f + " changed while it was imported (another kind of file took its place)");
  }

  @Test
  void anotherFileRenamedOverItIsRefused() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "content");
    byte[] path = Posix.bytes(f);
    FileStat st = Posix.lstat(path);
    Files.move(Files.writeString(tmp.resolve("g"), "CONTENT"), f, StandardCopyOption.ATOMIC_MOVE);
    assertThatThrownBy(() -> new FileInput(path, st).close())
        .hasMessageContaining(f + " changed while it was imported (another file took its place)");
  }
}
