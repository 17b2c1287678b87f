package org.casfs.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.Tmpfs;
import org.casfs.sync.delta.TestVersions;
import org.casfs.sync.pull.DirSource;
import org.casfs.sync.pull.Puller;
import org.casfs.sync.pull.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Mirror} on the disks a USB stick stands for (real tmpfs mounts): a re-run repairs what a
 * write cut short or a worn stick left, a disk too small is refused before any object is written,
 * a write that fails names its file and leaves no head, and a version of more objects than a FAT32
 * folder takes fits on a FAT32 stick.
 */
class MirrorTest {
  @TempDir Path tmp;
  private final List<Tmpfs> mounted = new ArrayList<>();

  @AfterEach
  void unmount() throws Exception {
    for (Tmpfs t : mounted) {
      t.close();
    }
  }

  private Path tmpfs(String options) throws Exception {
    Tmpfs t = Tmpfs.mount(tmp.resolve("stick" + mounted.size()), options);
    mounted.add(t);
    return t.dir();
  }

  /** 40 files of 20-60 KB (seeded) as version 1 of a new origin, published. */
  private static ObjectId version(Origin origin, Path src) throws IOException {
    Random r = new Random(7);
    Files.createDirectories(src.resolve("lib"));
    for (int i = 0; i < 40; i++) {
      byte[] b = new byte[20_000 + r.nextInt(40_000)];
      r.nextBytes(b);
      Files.write(src.resolve("lib/f" + i), b);
    }
    ObjectId v = TestVersions.importVersion(origin.repo.objectDatabase(), src, 1);
    origin.publish(v);
    return v;
  }

  private static Path largestObject(Path objects) throws IOException {
    try (Stream<Path> s = Files.walk(objects)) {
      return s.filter(Files::isRegularFile).max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElseThrow();
    }
  }

  /**
   * The stick pulled out half way through a pull (here: its tmpfs detached with umount -l after
   * the tenth object): the pull fails in one line that says the folder is gone and to put it back,
   * keeps what it verified, and the next pull from the stick fetches only the rest.
   */
  @Test
  void aStickPulledOutMidPullIsNamedAsGoneAndTheNextPullFetchesTheRest() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client client = new Client(tmp.resolve("client"), origin.key.publicKey())) {
      ObjectId v = version(origin, tmp.resolve("src"));
      Path stick = tmpfs("size=16m");
      Path mirror = stick.resolve("mirror");
      new Mirror(origin.repo.objectDatabase(), origin.state).write(mirror);
      java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
      Source pulledOut = new Source() {
        private final DirSource dir = new DirSource(mirror);

        @Override
        public String name() {
          return dir.name();
        }

        @Override
        public byte[] head() throws IOException {
          return dir.head();
        }

        @Override
        public java.io.InputStream openFetchOrNull(org.casfs.sync.wire.FetchRequest request) {
          return null;
        }

        @Override
        public java.io.InputStream openObject(ObjectId id, long offset) throws IOException {
          if (opened.incrementAndGet() == 10) {
            try {
              new ProcessBuilder("umount", "-l", stick.toString()).start().waitFor();
            } catch (InterruptedException e) {
              throw new java.io.InterruptedIOException();
            }
          }
          return dir.openObject(id, offset);
        }

        @Override
        public boolean local() {
          return true;
        }

        @Override
        public long bytesReceived() {
          return dir.bytesReceived();
        }

        @Override
        public long requests() {
          return dir.requests();
        }
      };
      assertThatThrownBy(() -> client.pull(List.of(pulledOut), true)).isInstanceOf(IOException.class)
          .hasMessageContaining(mirror + " is gone (was the stick or disk removed?)")
          .hasMessageContaining("put it back and pull again");

      Path back = tmpfs("size=16m").resolve("mirror"); // the stick put back (mounted elsewhere this time)
      new Mirror(origin.repo.objectDatabase(), origin.state).write(back);
      DirSource again = new DirSource(back);
      Puller.Result r = client.pull(List.of(again), true);
      assertThat(r.manifest()).isEqualTo(v);
      assertThat(again.requests()).as("objects fetched after the stick came back").isLessThan(41);
    }
  }

  @Test
  void aReRunRewritesObjectsThatAreNotWhole() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client client = new Client(tmp.resolve("client"), origin.key.publicKey())) {
      ObjectId v = version(origin, tmp.resolve("src"));
      Path mirror = tmpfs("size=16m").resolve("mirror");
      Mirror m = new Mirror(origin.repo.objectDatabase(), origin.state);
      Mirror.Result first = m.write(mirror);
      assertThat(first.objectsWritten()).isEqualTo(43); // manifest, two trees, 40 blobs
      Path objects = mirror.resolve("v1/objects");

      Path cut = largestObject(objects);
      byte[] whole = Files.readAllBytes(cut);
      Files.write(cut, java.util.Arrays.copyOf(whole, 1000)); // a write cut short (a stick pulled out)
      Mirror.Result again = m.write(mirror);
      assertThat(again.objectsWritten()).isEqualTo(1);
      assertThat(again.objectsSkipped()).isEqualTo(42);
      assertThat(Files.readAllBytes(cut)).isEqualTo(whole);

      byte[] flipped = whole.clone();
      flipped[whole.length / 2] ^= 0x20; // a worn stick: the size is right, a bit is not
      Files.write(cut, flipped);
      assertThat(m.write(mirror).objectsWritten()).as("a size check cannot see a flipped bit").isZero();
      Mirror.Result verified = m.write(mirror, true);
      assertThat(verified.objectsWritten()).isEqualTo(1);
      assertThat(Files.readAllBytes(cut)).isEqualTo(whole);
      assertThat(m.write(mirror, true).objectsWritten()).isZero();

      assertThat(client.pull(List.of(new DirSource(mirror)), true).manifest()).isEqualTo(v);
      try (Stream<Path> s = Files.walk(objects)) {
        assertThat(s.map(p -> p.getFileName().toString())).as("no temporary file left").noneMatch(n -> n.startsWith("."));
      }
    }
  }

  /**
   * FAT32, the file system most USB sticks come with, holds at most 65,536 entries in a directory
   * (Linux's fat_add_entries then fails with ENOSPC), and a name takes one entry plus one per 13
   * characters of its long form. This kernel has no vfat module to mount a real stick, so the test
   * counts the entries each directory of the mirror would take there.
   */
  @Test
  void aMirrorOfMoreObjectsThanAFat32DirectoryHoldsFitsOnAFat32Stick() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"))) {
      Path src = tmp.resolve("many");
      for (int d = 0; d < 14; d++) {
        Path dir = Files.createDirectories(src.resolve("share/d" + d));
        for (int i = 0; i < 1000; i++) {
          Files.writeString(dir.resolve("f" + i), d + "/" + i + "\n");
        }
      }
      ObjectId v = TestVersions.importVersion(origin.repo.objectDatabase(), src, 1);
      origin.publish(v);
      Path mirror = tmp.resolve("stick");
      Mirror.Result r = new Mirror(origin.repo.objectDatabase(), origin.state).write(mirror);
      assertThat(r.objectsWritten()).as("more objects than a flat FAT32 folder takes").isGreaterThan(13_107);
      try (Stream<Path> dirs = Files.walk(mirror)) {
        for (Path dir : dirs.filter(Files::isDirectory).toList()) {
          long slots = 2; // "." and ".."
          try (Stream<Path> entries = Files.list(dir)) {
            slots += entries.mapToLong(e -> 1 + (e.getFileName().toString().length() + 12) / 13).sum();
          }
          assertThat(slots).as("FAT32 directory entries of " + dir).isLessThanOrEqualTo(65_536);
        }
      }
      // The objects are where a client looks for them (a pull from such a folder: the tests above).
      assertThat(new DirSource(mirror).openObject(v, 0).readAllBytes()).isEqualTo(origin.repo.objects().read(v));
    }
  }

  /** {@code count} files of 20-60 KB (seeded) as version {@code sequence}, published. */
  private static ObjectId version(Origin origin, Path src, int count, long seed, long sequence) throws IOException {
    Random r = new Random(seed);
    Files.createDirectories(src.resolve("lib"));
    for (int i = 0; i < count; i++) {
      byte[] b = new byte[20_000 + r.nextInt(40_000)];
      r.nextBytes(b);
      Files.write(src.resolve("lib/f" + i), b);
    }
    ObjectId v = TestVersions.importVersion(origin.repo.objectDatabase(), src, sequence);
    origin.publish(v);
    return v;
  }

  private static Set<String> objectFiles(Path mirror) throws IOException {
    try (Stream<Path> s = Files.walk(mirror.resolve("v1/objects"))) {
      return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  private static Set<String> objectsOf(Origin origin, ObjectId version) throws IOException {
    Set<String> ids = new HashSet<>(Set.of(version.name()));
    var db = origin.repo.objectDatabase();
    var root = db.readManifest(version).rootId();
    ids.add(root.name());
    for (var e : db.readTree(root).entries()) {
      ids.add(e.childId().name());
      for (var f : db.readTree(e.childId()).entries()) {
        ids.add(f.childId().name());
      }
    }
    return ids;
  }

  @Test
  void aStickMirroredToEveryMonthHoldsTheLastTwoVersionsOnly() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client client = new Client(tmp.resolve("client"), origin.key.publicKey())) {
      Path mirror = tmp.resolve("stick");
      Mirror m = new Mirror(origin.repo.objectDatabase(), origin.state);
      ObjectId v1 = version(origin, tmp.resolve("src1"), 20, 1, 1);
      assertThat(m.write(mirror).filesRemoved()).isZero();
      // What casfs did not write stays; what an interrupted run or an earlier layout left goes.
      Path note = Files.writeString(mirror.resolve("v1/objects/README.txt"), "from the school office");
      Path temporary = Files.writeString(mirror.resolve("v1/objects/.0123.tmp"), "cut short");
      Path flat = Files.writeString(mirror.resolve("v1/objects").resolve(v1.name()), "the flat layout");
      ObjectId v2 = version(origin, tmp.resolve("src2"), 20, 2, 2);
      Mirror.Result second = m.write(mirror);
      assertThat(second.filesRemoved()).isEqualTo(2);
      assertThat(note).exists();
      assertThat(temporary).doesNotExist();
      assertThat(flat).doesNotExist();
      Set<String> both = new HashSet<>(objectsOf(origin, v1));
      both.addAll(objectsOf(origin, v2));
      assertThat(objectFiles(mirror)).as("a client may still be pulling v1 from it").isEqualTo(withNote(both));

      ObjectId v3 = version(origin, tmp.resolve("src3"), 20, 3, 3);
      Mirror.Result third = m.write(mirror);
      Set<String> lastTwo = new HashSet<>(objectsOf(origin, v2));
      lastTwo.addAll(objectsOf(origin, v3));
      assertThat(objectFiles(mirror)).isEqualTo(withNote(lastTwo));
      assertThat(third.filesRemoved()).as("v1's manifest, root, lib and 20 blobs, and its signature")
          .isEqualTo(objectsOf(origin, v1).size() + 1);
      assertThat(mirror.resolve("v1/manifests/" + v1.name() + ".sig")).doesNotExist();
      assertThat(client.pull(List.of(new DirSource(mirror)), true).manifest()).isEqualTo(v3);
    }
  }

  private static Set<String> withNote(Set<String> ids) {
    Set<String> s = new HashSet<>(ids);
    s.add("README.txt");
    return s;
  }

  @Test
  void aStickFullOfAnOlderVersionTakesTheNewOneInItsPlace() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client client = new Client(tmp.resolve("client"), origin.key.publicKey())) {
      Path mirror = tmpfs("size=6m").resolve("mirror");
      Mirror m = new Mirror(origin.repo.objectDatabase(), origin.state);
      version(origin, tmp.resolve("src1"), 80, 1, 1); // ~3.2 MB
      m.write(mirror);
      ObjectId v2 = version(origin, tmp.resolve("src2"), 80, 2, 2); // as much again, nothing shared
      Mirror.Result r = m.write(mirror);
      assertThat(r.filesRemoved()).isGreaterThanOrEqualTo(80);
      assertThat(objectFiles(mirror)).isEqualTo(objectsOf(origin, v2));
      assertThat(client.pull(List.of(new DirSource(mirror)), true).manifest()).isEqualTo(v2);

      // Not even without it: refused before anything is removed or written.
      ObjectId v3 = version(origin, tmp.resolve("src3"), 200, 3, 3);
      Throwable failed = catchThrowable(() -> m.write(mirror));
      assertThat(failed).isInstanceOf(IOException.class).hasMessageContaining("without the older versions there")
          .hasMessageContaining("no object was written");
      assertThat(objectFiles(mirror)).isEqualTo(objectsOf(origin, v2));
      assertThat(v3).isNotNull();
    }
  }

  @Test
  void aDiskTooSmallIsRefusedBeforeAnyObjectIsWritten() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"))) {
      ObjectId v = version(origin, tmp.resolve("src"));
      Path mirror = tmpfs("size=1m").resolve("mirror");
      Throwable failed = catchThrowable(() -> new Mirror(origin.repo.objectDatabase(), origin.state).write(mirror));
      assertThat(failed).isInstanceOf(IOException.class).hasMessageContaining("the mirror " + mirror + " needs ")
          .hasMessageContaining(" MiB more for version " + v.name() + " and its disk has ").hasMessageContaining(" MiB free (")
          .hasMessageContaining("no object was written");
      try (Stream<Path> s = Files.walk(mirror.resolve("v1/objects"))) {
        assertThat(s.filter(Files::isRegularFile)).isEmpty();
      }
      assertThat(mirror.resolve("v1/head")).doesNotExist();
    }
  }

  @Test
  void aWriteThatFailsNamesItsFileAndLeavesNoHead() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"))) {
      version(origin, tmp.resolve("src"));
      Path stick = tmpfs("size=16m,nr_inodes=30"); // room for the bytes, not for 43 files
      Path mirror = stick.resolve("mirror");
      Throwable failed = catchThrowable(() -> new Mirror(origin.repo.objectDatabase(), origin.state).write(mirror));
      assertThat(failed).isInstanceOf(IOException.class).hasMessageContaining(mirror.resolve("v1/objects").toString())
          .hasMessageContaining("No space left on device");
      assertThat(mirror.resolve("v1/head")).doesNotExist();
      try (Stream<Path> s = Files.walk(mirror.resolve("v1/objects"))) {
        assertThat(s.map(p -> p.getFileName().toString())).as("no temporary file left").noneMatch(n -> n.startsWith("."));
      }
    }
    // The disk fills during a write (another program took the space after the check): the bare
    // "No space left on device" of write(2) is told with the file and what to do.
    Path full = tmpfs("size=64k").resolve("object");
    Throwable failed = catchThrowable(() -> MirrorFiles.copyAtomically(new ByteArrayInputStream(new byte[200_000]), full));
    assertThat(failed).isInstanceOf(IOException.class)
        .hasMessage("write " + full.resolveSibling(".object.tmp") + ": No space left on device; free space on the"
            + " mirror's disk or check it, then run 'casfs mirror' again to go on");
    assertThat(full.getParent().toFile().list()).isEmpty();
  }

  /**
   * A stick handed over from elsewhere (the mirror runs as root on the origin) cannot make the
   * mirror write outside its folder: a symbolic link where a temporary file goes, to a file of
   * the origin, leaves that file as it was; a FIFO there does not hold the mirror up; a fan-out
   * folder that is a link out of the mirror is refused, naming it, and nothing is written there.
   */
  @Test
  void aStickFromElsewhereCannotMakeTheMirrorWriteOutsideIt() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"))) {
      ObjectId v = version(origin, tmp.resolve("src"));
      Mirror m = new Mirror(origin.repo.objectDatabase(), origin.state);
      Path mirror = tmp.resolve("mirror");
      m.write(mirror);
      List<Path> objects;
      try (Stream<Path> s = Files.walk(mirror.resolve("v1/objects"))) {
        objects = s.filter(Files::isRegularFile).sorted().toList();
      }
      Path victim = Files.writeString(tmp.resolve("origin-file"), "the origin's own file\n");
      Path linked = objects.get(0);
      Files.delete(linked);
      Files.createSymbolicLink(linked.resolveSibling("." + linked.getFileName() + ".tmp"), victim);
      Path fifo = objects.get(1);
      Files.delete(fifo);
      assertThat(new ProcessBuilder("mkfifo", fifo.resolveSibling("." + fifo.getFileName() + ".tmp").toString())
          .start().waitFor()).isZero();
      Files.delete(mirror.resolve("v1/head"));

      assertThat(m.write(mirror).objectsWritten()).isEqualTo(2);
      assertThat(Files.readString(victim)).isEqualTo("the origin's own file\n");
      assertThat(linked).isRegularFile();
      assertThat(fifo).isRegularFile();

      Path outside = Files.createDirectories(tmp.resolve("outside"));
      Path fan = objects.get(2).getParent();
      try (Stream<Path> s = Files.list(fan)) {
        for (Path f : s.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(fan);
      Files.createSymbolicLink(fan, outside);
      Throwable failed = catchThrowable(() -> m.write(mirror));
      assertThat(failed).isInstanceOf(IOException.class).hasMessage(fan + " is a symbolic link, not a folder 'casfs"
          + " mirror' writes; remove it, then run 'casfs mirror' again");
      assertThat(outside.toFile().list()).isEmpty();
      Files.delete(fan);
      m.write(mirror);
      try (Client client = new Client(tmp.resolve("client"), origin.key.publicKey())) {
        assertThat(client.pull(List.of(new DirSource(mirror)), true).manifest()).isEqualTo(v);
      }
    }
  }

  /**
   * FAT32 holds files up to 4 GiB less one byte: a larger object (a VM image in a version) is
   * refused before anything is written, naming it and what to do. This kernel has no vfat module
   * to mount a stick, so the check is given the file system type a FAT32 stick reports.
   */
  @Test
  void anObjectLargerThanAFat32FileIsRefusedBeforeAnyIsWritten() throws Exception {
    org.casfs.cas.Hashes h = org.casfs.cas.Hashes.of(new byte[] {1});
    ObjectId v = org.casfs.cas.Hashes.of(new byte[] {2}).id();
    List<org.casfs.cas.store.ObjectInfo> fits = List.of(new org.casfs.cas.store.ObjectInfo(h.id(),
        org.casfs.cas.ObjectType.BLOB, Mirror.FAT_MAX_FILE, h.sha256()));
    List<org.casfs.cas.store.ObjectInfo> tooLarge = List.of(new org.casfs.cas.store.ObjectInfo(h.id(),
        org.casfs.cas.ObjectType.BLOB, Mirror.FAT_MAX_FILE + 1, h.sha256()));
    Mirror.checkFileSizes("vfat", fits, v);
    Mirror.checkFileSizes("ext4", tooLarge, v);
    Mirror.checkFileSizes("exfat", tooLarge, v);
    assertThat(catchThrowable(() -> Mirror.checkFileSizes("vfat", tooLarge, v))).isInstanceOf(IOException.class)
        .hasMessage("object " + h.id().name() + " of version " + v.name() + " is 4.0 GiB, larger than a file on this"
            + " FAT32 disk can be (4 GiB); format the stick as exFAT or ext4, or mirror to another disk (no object was"
            + " written)");
  }
}
