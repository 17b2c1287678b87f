package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writable mount lets the kernel keep a file's pages between opens while the file holds the
 * same bytes (a program's binary and libraries are not read again at each start), and never
 * shows pages that are no longer the file's: after a write, an abort that takes the write back, a
 * commit, a rename that brings another inode, with its own pages, to a path, and writes through
 * another name of the file.
 */
class WritablePageCacheMountTest {
  private static final String BASE = "base bytes, the same in a and b\n".repeat(300);
  /**
   * As long as BASE: a kernel drops a file's pages when it sees its size or mtime change (the
   * tests set the mtime back), not otherwise.
   */
  private static final String SAME_SIZE = BASE.toUpperCase(java.util.Locale.ROOT);

  @TempDir Path tmp;

  private MountedRepo mounted() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a"), BASE);
    Files.writeString(src.resolve("b"), BASE);
    Files.writeString(src.resolve("c"), "another file\n");
    MountedRepo m = new MountedRepo(tmp);
    m.mountWritable(src, MountOptions.defaults().withCacheSeconds(0)); // attributes fresh: pages are the question
    return m;
  }

  private static long reads(MountedRepo m) {
    return m.mount.requestCounts()[FuseOpcodes.READ];
  }

  /** Reads {@code f} in two opens (the second may keep the pages the first read), each {@code expected}. */
  private static void readTwice(Path f, String expected) throws Exception {
    for (int i = 0; i < 2; i++) {
      assertThat(Files.readString(f)).as("read %d of %s", i + 1, f).isEqualTo(expected);
    }
  }

  /** Writes {@code content} to {@code f} and sets its mtime back, as tar and cp -p leave a file. */
  private static void writeKeepingMtime(Path f, String content) throws Exception {
    java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(f);
    Files.writeString(f, content); // opened while it held its old bytes
    setMtimeWithoutOpening(f, mtime);
  }

  /** utimensat(2) on the path (Files.setLastModifiedTime opens the file, and touch without -h too). */
  private static void setMtimeWithoutOpening(Path f, java.nio.file.attribute.FileTime mtime) throws Exception {
    java.time.Instant t = mtime.toInstant();
    XattrFeaturesMountTest.Run touch = XattrFeaturesMountTest.run("touch", "-h", "-m", "-d",
        "@" + t.getEpochSecond() + "." + String.format("%09d", t.getNano()), f.toString());
    assertThat(touch.code()).as(touch.out()).isZero();
    assertThat(Files.getLastModifiedTime(f)).isEqualTo(mtime);
  }

  @Test
  void anUnchangedFileIsReadThroughTheMountOnceNotAtEveryOpen() throws Exception {
    try (MountedRepo m = mounted()) {
      Path a = m.mountPoint.resolve("a");
      assertThat(Files.readString(a)).isEqualTo(BASE);
      long after1 = reads(m);
      for (int i = 0; i < 10; i++) {
        assertThat(Files.readString(a)).isEqualTo(BASE);
      }
      assertThat(reads(m) - after1).as("READs for ten more opens of an unchanged file").isZero();

    }
  }

  @Test
  void aFileWrittenInTheTransactionKeepsItsPagesUntilWrittenAgain() throws Exception {
    try (MountedRepo m = mounted()) {
      Path c = m.mountPoint.resolve("c");
      Files.writeString(c, SAME_SIZE);
      assertThat(Files.readString(c)).isEqualTo(SAME_SIZE);
      long read = reads(m);
      for (int i = 0; i < 10; i++) {
        assertThat(Files.readString(c)).isEqualTo(SAME_SIZE);
      }
      assertThat(reads(m) - read).as("READs for ten more opens of a file not written since").isZero();
      Files.writeString(c, BASE);
      assertThat(Files.readString(c)).isEqualTo(BASE);
    }
  }

  @Test
  void anAbortTakesBackAWriteAndTheFileShowsItsBaseBytesAgain() throws Exception {
    try (MountedRepo m = mounted()) {
      Path a = m.mountPoint.resolve("a");
      readTwice(a, BASE); // its pages are kept now
      writeKeepingMtime(a, SAME_SIZE); // opened while still the base blob: the record says so
      m.imageMount.transaction().abort();
      readTwice(a, BASE);
    }
  }

  @Test
  void aCommitShowsWhatWasWritten() throws Exception {
    try (MountedRepo m = mounted()) {
      Path a = m.mountPoint.resolve("a");
      readTwice(a, BASE);
      Files.writeString(a, SAME_SIZE);
      m.imageMount.transaction().commit("t");
      readTwice(a, SAME_SIZE);
    }
  }

  /**
   * b's inode caches a write; an abort takes the write back, so b is the base blob again, as a is
   * (the same bytes); b is renamed over a. The inode that comes to a holds the write's pages, and
   * a held the same blob at its last open: only the rename tells them apart.
   */
  @Test
  void aRenameBringsAnotherInodeWhosePagesAreReadAgain() throws Exception {
    try (MountedRepo m = mounted()) {
      Path a = m.mountPoint.resolve("a");
      Path b = m.mountPoint.resolve("b");
      assertThat(Files.readString(b)).isEqualTo(BASE);
      writeKeepingMtime(b, SAME_SIZE); // the kernel sees no change of size or mtime
      assertThat(Files.readString(b)).isEqualTo(SAME_SIZE);
      m.imageMount.transaction().abort();
      readTwice(a, BASE);
      // rename(2) itself: Files.move unlinks the target first
      XattrFeaturesMountTest.Run mv = XattrFeaturesMountTest.run("python3", "-c",
          "import os, sys; os.rename(sys.argv[1], sys.argv[2])", b.toString(), a.toString());
      assertThat(mv.code()).as(mv.out()).isZero();
      readTwice(a, BASE);
    }
  }

  @Test
  void aWriteThroughOneHardLinkShowsThroughTheOther() throws Exception {
    try (MountedRepo m = mounted()) {
      Path a = m.mountPoint.resolve("a");
      Path link = m.mountPoint.resolve("link");
      Files.createLink(link, a);
      readTwice(link, BASE);
      assertThat(Files.readString(a)).isEqualTo(BASE);
      writeKeepingMtime(a, SAME_SIZE);
      readTwice(link, SAME_SIZE); // kept now
      writeKeepingMtime(a, BASE); // a second write: the file's data file again
      assertThat(Files.readString(link)).isEqualTo(BASE);
    }
  }
}
