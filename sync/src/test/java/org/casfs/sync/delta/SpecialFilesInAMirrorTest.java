package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.Client;
import org.casfs.sync.Mirror;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.sync.pull.DirSource;
import org.casfs.sync.pull.PullListener;
import org.casfs.sync.pull.Puller;
import org.casfs.sync.wire.StaticPaths;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stick handed over from somewhere else, with something in a file's place that is not a file:
 * a FIFO (whose open waits for a writer that never comes), a link to a device that never ends
 * ({@code /dev/zero}). A pull from it does not hang: it fails in a moment with one line naming the
 * file and saying to pull from elsewhere, or, for a delta (which is optional), fetches the whole
 * object instead. The client keeps the version it had.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SpecialFilesInAMirrorTest {
  @TempDir Path tmp;
  private Origin origin;
  private ObjectId v1;
  private ObjectId v2;
  private Path mirrorV1;
  private Path mirror;

  @BeforeEach
  void mirrorTwoVersions() throws Exception {
    origin = new Origin(tmp.resolve("origin"));
    Random r = new Random(11);
    ObjectDatabase db = origin.repo.objectDatabase();
    Path d1 = Files.createDirectories(tmp.resolve("v1/lib"));
    Path d2 = Files.createDirectories(tmp.resolve("v2/lib"));
    for (int i = 0; i < 4; i++) {
      byte[] a = RandomEdits.content(r, 30_000 + r.nextInt(20_000));
      Files.write(d1.resolve("file" + i), a);
      Files.write(d2.resolve("file" + i), RandomEdits.edit(r, a, 2));
    }
    v1 = TestVersions.importVersion(db, d1.getParent(), 1);
    v2 = TestVersions.importVersion(db, d2.getParent(), 2, v1);
    mirrorV1 = tmp.resolve("mirror-v1");
    mirror = tmp.resolve("mirror");
    origin.publish(v1);
    new Mirror(db, origin.state).write(mirrorV1);
    DeltaStore deltas = DeltaStore.open(origin.repo.stagingDir("deltas"), 64L << 20);
    new VersionDeltas(db, DeltaBudget.defaults(), 2).compute(v1, v2, deltas);
    origin.publish(v2);
    assertThat(new Mirror(db, origin.state).deltasFrom(deltas).write(mirror).blobDeltasWritten()).isEqualTo(4);
  }

  @AfterEach
  void close() throws Exception {
    origin.close();
  }

  @Test
  void aFifoInAnObjectsPlaceFailsThePullAtOnce() throws Exception {
    Path object = anObjectOfV2();
    Files.delete(object);
    mkfifo(object);
    assertRefusedNaming(object, "a FIFO, device or socket");
  }

  @Test
  void aLinkToAnEndlessDeviceInAnObjectsPlaceFailsThePull() throws Exception {
    Path object = anObjectOfV2();
    Files.delete(object);
    Files.createSymbolicLink(object, Path.of("/dev/zero"));
    assertRefusedNaming(object, "a FIFO, device or socket");
    Files.delete(object); // the link, before the test's folder is removed
  }

  @Test
  void aDirectoryInAnObjectsPlaceFailsThePull() throws Exception {
    Path object = anObjectOfV2();
    Files.delete(object);
    Files.createDirectory(object);
    assertRefusedNaming(object, "a directory");
  }

  @Test
  void aFifoInADeltasPlaceIsPassedOverForTheWholeObject() throws Exception {
    long withDeltas;
    try (Client c = new Client(tmp.resolve("intact"), origin.key.publicKey())) {
      assertThat(c.pull(List.of(new DirSource(mirrorV1)), true).manifest()).isEqualTo(v1);
      withDeltas = pull(c).bytesReceived();
    }
    Path delta;
    try (Stream<Path> s = Files.walk(mirror.resolve(StaticPaths.DELTAS))) {
      delta = s.filter(Files::isRegularFile).findFirst().orElseThrow();
    }
    Files.delete(delta);
    mkfifo(delta);
    try (Client c = new Client(tmp.resolve("client"), origin.key.publicKey())) {
      assertThat(c.pull(List.of(new DirSource(mirrorV1)), true).manifest()).isEqualTo(v1);
      Puller.Result r = pull(c);
      assertThat(r.manifest()).isEqualTo(v2);
      assertThat(r.bytesReceived()).as("one file whole instead of its delta").isGreaterThan(withDeltas + 20_000);
      TestImages.verifyAll(c.repo.objectDatabase(), v2);
    }
  }

  private void assertRefusedNaming(Path file, String what) throws Exception {
    try (Client c = new Client(tmp.resolve("client"), origin.key.publicKey())) {
      assertThat(c.pull(List.of(new DirSource(mirrorV1)), true).manifest()).isEqualTo(v1);
      Throwable e = catchThrowable(() -> pull(c));
      assertThat(e).isInstanceOf(IOException.class);
      assertThat(e.getMessage()).doesNotContain("\n")
          .contains(file + " is " + what + ", not a file 'casfs mirror' writes")
          .contains("pull from another source");
      assertThat(c.refs.currentOrNull()).isEqualTo(v1);
      TestImages.verifyAll(c.repo.objectDatabase(), v1);
    }
  }

  /** The file of v2's manifest: a pull of v2 reads it first. */
  private Path anObjectOfV2() {
    return mirror.resolve(StaticPaths.object(v2));
  }

  private Puller.Result pull(Client c) throws IOException {
    DeltaStore keep = DeltaStore.open(c.repo.stagingDir("deltas"), 1L << 30);
    return c.puller().listener(PullListener.QUIET)
        .addDecoder(new DeltaFrameDecoder(c.repo.stagingDir("tmp-deltas"), keep))
        .pull(List.of(new DirSource(mirror)), true);
  }

  private static void mkfifo(Path p) throws Exception {
    assertThat(new ProcessBuilder("mkfifo", p.toString()).inheritIO().start().waitFor()).isZero();
  }
}
