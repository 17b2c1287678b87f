package org.casfs.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.Tmpfs;
import org.casfs.sync.Client;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.sync.wire.RateLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The laptop's disk fills while a pull runs (another program took the space after the pull's
 * check): the pull stops saying what it needs and that what it stored is kept, and once there is
 * room again the next pull goes on from there. The client's repository is on a real tmpfs; the
 * disk is filled from the pull's own progress callback (the pull held to 4 MB/s so that it reports
 * while it runs), so the moment is about the same every run.
 */
class DiskFillsDuringPullTest {
  @TempDir Path tmp;

  @Test
  void aPullThatRunsOutOfDiskKeepsWhatItStoredAndGoesOnLater() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Tmpfs disk = Tmpfs.mount(tmp.resolve("laptop-disk"), "size=200m");
        Client laptop = new Client(disk.dir().resolve("repo"), origin.key.publicKey())) {
      ObjectId v = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 11, 4, 40, 0, null);
      origin.publish(v);
      origin.serve();
      // 4 MB/s: the pull takes ~3 s, so its progress (reported every 200 ms) comes while it runs
      laptop.config = laptop.config.withDownloadLimit(new RateLimit(4 << 20));
      Path filler = disk.dir().resolve("filler");
      AtomicBoolean filled = new AtomicBoolean();
      PullListener fillAfterTen = p -> { // once some blobs are stored (2 MB of the version's ~12)
        if (p.bytesDone() > 2_000_000 && !filled.getAndSet(true)) {
          fill(filler);
        }
      };

      Throwable failed = catchThrowable(() -> laptop.puller().listener(fillAfterTen)
          .pull(List.of(new HttpSource(origin.url(), laptop.config)), true));
      assertThat(failed).isInstanceOf(PullException.class)
          .hasMessageContaining(" more but " + laptop.repo.dir())
          .hasMessageContaining("objects this pull stored are kept, so it goes on where it stopped");
      assertThat(((PullException) failed).kind()).isEqualTo(PullException.Kind.NO_SPACE);
      assertThat(filled).as("the disk filled during the pull, not before it").isTrue();
      assertThat(laptop.refs.currentOrNull()).isNull();

      Files.delete(filler);
      Puller.Result done = laptop.pull(origin.url(), true);
      assertThat(done.manifest()).isEqualTo(v);
      assertThat(TestImages.verifyAll(laptop.repo.objectDatabase(), v)).isGreaterThan(done.objectsFetched());
    }
  }

  /** Writes to {@code file} until the disk is full. */
  private static void fill(Path file) {
    byte[] chunk = new byte[1 << 20];
    java.util.Arrays.fill(chunk, (byte) 1); // not zeros: nothing may leave them as holes
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException full) {
      // the disk is full: what the test wanted
    }
  }
}
