package org.casfs.cas.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.casfs.cas.Xattrs;
import org.casfs.cas.posix.FileStat;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file written while an import reads it never becomes a blob of two states (bytes that were
 * never the file's at any one moment): the import fails saying the file changed, whether the
 * write moved its times, its size, or nothing the kernel reports; and the other paths of a hard
 * link must find the file as its first path did.
 */
class ChangedWhileReadTest {
  private static final FileTime LONG_AGO = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));

  @TempDir Path tmp;

  private static Throwable readAfter(Path f, FileStat st) {
    byte[] path = Posix.bytes(f);
    return catchThrowable(() -> {
      try (FileInput in = new FileInput(path, st)) {
        in.readFully(new byte[(int) st.size() + 16]);
      }
    });
  }

  @Test
  void bytesRewrittenInPlaceAfterTheLstatAreRefusedOnceRead() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "content");
    Files.setLastModifiedTime(f, LONG_AGO);
    FileStat st = Posix.lstat(Posix.bytes(f));
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap("CONTENT".getBytes()), 0); // same size, new bytes
    }
    assertThat(readAfter(f, st)).hasMessage(f + " changed while it was imported (it was written to or its"
        + " attributes changed); import again when it is quiet");
  }

  @Test
  void aFileThatGrewAfterTheLstatIsRefused() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "content");
    FileStat st = Posix.lstat(Posix.bytes(f));
    Files.writeString(f, "+", StandardOpenOption.APPEND);
    assertThat(readAfter(f, st)).hasMessageContaining("(it has 8 bytes, not the 7 it had)");
  }

  @Test
  void aFileUnchangedSinceItsLstatIsRead() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "content");
    assertThat(readAfter(f, Posix.lstat(Posix.bytes(f)))).isNull();
  }

  /**
   * Writes through a shared mapping move no time once the page is dirty, so only reading twice
   * can notice them; a file modified within the last second is read twice ({@link RacyFiles}).
   * Without the second read, every one of these imports succeeded with whatever bytes the one
   * read caught.
   */
  @Test
  void aFileWrittenThroughAMappingDuringTheImportIsRefused() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path f = Files.write(src.resolve("mapped"), new byte[1 << 20]);
    AtomicBoolean stop = new AtomicBoolean();
    int refused = 0;
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Repository repo = Repository.init(tmp.resolve("repo"), RepoConfig.defaults())) {
      MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, 1 << 20);
      map.putLong(0, 1); // the first write to the page moves the times; later ones do not
      Thread writer = new Thread(() -> {
        for (long n = 2; !stop.get(); n++) {
          map.putLong(0, n);
          map.putLong((1 << 20) - 8, n);
        }
      });
      writer.start();
      try {
        for (int i = 0; i < 10; i++) {
          try {
            new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults(), null);
          } catch (IOException e) {
            assertThat(e).hasMessageContaining(f + " changed while it was imported");
            refused++;
          }
        }
      } finally {
        stop.set(true);
        writer.join();
      }
    }
    assertThat(refused).as("imports refused of 10").isPositive();
  }

  private static ScannedNode node(ScannedNode dir, String name) throws IOException {
    byte[] path = Posix.join(dir.path(), name.getBytes());
    return new ScannedNode(dir, name.getBytes(), path, Posix.lstat(path), Xattrs.EMPTY);
  }

  @Test
  void aHardLinkWhoseFileChangedBetweenItsPathsIsRefused() throws Exception {
    Path a = Files.writeString(tmp.resolve("a"), "original");
    Files.createLink(tmp.resolve("b"), a);
    ScannedNode dir = new ScannedNode(null, new byte[0], Posix.bytes(tmp), Posix.lstat(Posix.bytes(tmp)), Xattrs.EMPTY);
    LinkGroups links = new LinkGroups(Posix.bytes(tmp).length + 1);
    ScannedNode first = node(dir, "a");
    assertThat(links.add(first)).isSameAs(first);
    ScannedNode unchanged = node(dir, "b");
    assertThat(links.add(unchanged)).isSameAs(first);

    Files.writeString(a, " and more", StandardOpenOption.APPEND);
    ScannedNode changed = node(dir, "b");
    assertThat(catchThrowable(() -> links.add(changed))).hasMessage(tmp.resolve("b") + " changed while it was"
        + " imported (it is a hard link of " + a + ", and their file changed between the two were read); import"
        + " again when it is quiet");
  }
}
