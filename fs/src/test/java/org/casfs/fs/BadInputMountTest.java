package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged blobs and unusable mountpoints: one clear failure each, everything else unharmed. */
class BadInputMountTest {
  @TempDir Path tmp;

  @Test
  void corruptBlobGivesEioForThatFileOnlyAndOneLogLine() throws Exception {
    Path src = randomFiles(300_000, 7, "good", "bad");
    Files.writeString(src.resolve("small"), "small file\n");
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId v = m.importDir(src);
      ObjectId badBlob = Snapshot.open(m.repo.objectDatabase(), v).lookup("/bad").childId();
      Path loose = m.repo.objects().loosePathOrNull(badBlob);
      assertThat(loose).isNotNull();
      loose.toFile().setWritable(true);
      try (RandomAccessFile f = new RandomAccessFile(loose.toFile(), "rw")) {
        f.seek(123_456);
        int x = f.read();
        f.seek(123_456);
        f.write(x ^ 0x01);
      }
      m.mount(v, MountOptions.defaults());
      java.util.List<ObjectId> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
      m.image.onDamagedObject(reported::add);
      assertThatThrownBy(() -> Files.readAllBytes(m.mountPoint.resolve("bad")))
          .isInstanceOf(IOException.class).hasMessageContaining("Input/output error");
      assertThatThrownBy(() -> Files.readAllBytes(m.mountPoint.resolve("bad")))
          .isInstanceOf(IOException.class).hasMessageContaining("Input/output error");
      assertThat(Files.readAllBytes(m.mountPoint.resolve("good"))).isEqualTo(Files.readAllBytes(src.resolve("good")));
      assertThat(Files.readString(m.mountPoint.resolve("small"))).isEqualTo("small file\n");
      assertThat(Files.size(m.mountPoint.resolve("bad"))).isEqualTo(300_000);
      assertThat(m.log).isNotEmpty().allSatisfy(line -> assertThat(line).contains(badBlob.name()).contains("/bad")
          .doesNotContain("\n"));
      assertThat(reported).as("told to a peer daemon, which repairs it").isNotEmpty().containsOnly(badBlob);
    }
  }

  /**
   * A blob's file the disk cannot read (a bad sector: EIO; a directory stands in its place here,
   * read() failing with EISDIR): EIO for that file only, and the blob is told to the listener (a
   * peer daemon reads it again and repairs it), where only damage that names its object was.
   */
  @Test
  void aBlobFileTheDiskCannotReadIsEioAndToldToTheRepairer() throws Exception {
    Path src = randomFiles(200_000, 8, "good", "unreadable");
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId v = m.importDir(src);
      ObjectId blob = Snapshot.open(m.repo.objectDatabase(), v).lookup("/unreadable").childId();
      Path loose = m.repo.objects().loosePathOrNull(blob);
      Files.delete(loose);
      Files.createDirectory(loose);
      m.mount(v, MountOptions.defaults());
      java.util.List<ObjectId> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
      m.image.onDamagedObject(reported::add);
      assertThatThrownBy(() -> Files.readAllBytes(m.mountPoint.resolve("unreadable")))
          .isInstanceOf(IOException.class).hasMessageContaining("Input/output error");
      assertThat(Files.readAllBytes(m.mountPoint.resolve("good"))).isEqualTo(Files.readAllBytes(src.resolve("good")));
      assertThat(reported).as("told to a peer daemon, which reads it again and repairs it").containsOnly(blob);
      assertThat(m.log).anySatisfy(line -> assertThat(line).contains("/unreadable"));
    }
  }

  /** tmp/src holding a file of {@code size} random bytes for each name (loose blobs in the store). */
  private Path randomFiles(int size, long seed, String... names) throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Random r = new Random(seed);
    for (String name : names) {
      byte[] b = new byte[size];
      r.nextBytes(b);
      Files.write(src.resolve(name), b);
    }
    return src;
  }

  @Test
  void unusableMountpointsAreOneClearLine() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a"), "a");
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId v = m.importDir(src);
      SnapshotImage image = new SnapshotImage(m.snapshot(v), new BlobVerifier(10), null, m.log::add);
      Path missing = tmp.resolve("nope");
      assertThatThrownBy(() -> NodeMount.mount(image, missing, MountOptions.defaults(), m.log::add))
          .isInstanceOf(MountException.class).hasMessage("mountpoint " + missing + " does not exist;"
              + " create an empty directory there");
      Path file = Files.writeString(tmp.resolve("file"), "x");
      assertThatThrownBy(() -> NodeMount.mount(image, file, MountOptions.defaults(), m.log::add))
          .isInstanceOf(MountException.class).hasMessage("mountpoint " + file + " is not a directory; give an"
              + " empty directory");
      Path full = Files.createDirectories(tmp.resolve("full"));
      Files.writeString(full.resolve("kept"), "x");
      assertThatThrownBy(() -> NodeMount.mount(image, full, MountOptions.defaults(), m.log::add))
          .isInstanceOf(MountException.class).hasMessage("mountpoint " + full + " is not empty (it holds kept);"
              + " give an empty directory, so that the mount hides nothing");
      assertThat(MountTable.isMounted(full)).isFalse();
      m.mount(v, MountOptions.defaults());
      assertThatThrownBy(() -> NodeMount.mount(image, m.mountPoint, MountOptions.defaults(), m.log::add))
          .isInstanceOf(MountException.class).hasMessageStartingWith("" + m.mountPoint + " is already mounted")
          .hasMessageNotContaining("\n");
      assertThat(Files.readString(m.mountPoint.resolve("a"))).isEqualTo("a");
    }
  }

  @Test
  void staleMountOfAKilledProcessIsCleanedOnTheNextMount() throws Exception {
    // squashfuse killed with SIGKILL leaves exactly what a killed casfs leaves: a FUSE mount
    // whose server is gone ("Transport endpoint is not connected").
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a"), "from casfs");
    Path sqfs = tmp.resolve("img.sqfs");
    ReadOnlyMountTest.run("mksquashfs", src.toString(), sqfs.toString(), "-quiet", "-no-progress");
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId v = m.importDir(src);
      Process p = new ProcessBuilder("squashfuse", "-f", sqfs.toString(), m.mountPoint.toString()).start();
      try {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!MountTable.isMounted(m.mountPoint) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(MountTable.isMounted(m.mountPoint)).isTrue();
      } finally {
        p.destroyForcibly().waitFor();
      }
      assertThat(MountTable.isStale(m.mountPoint)).isTrue();
      m.mount(v, MountOptions.defaults());
      assertThat(Files.readString(m.mountPoint.resolve("a"))).isEqualTo("from casfs");
      assertThat(m.log).anySatisfy(l -> assertThat(l).contains("stale mount"));
    }
  }
}
