package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.casfs.cas.ObjectId;
import org.casfs.sync.Client;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large file updated in place, as an offline encyclopedia, a disk image or a database is: 4
 * KiB changed and 1 MiB appended to a 96 MiB file of incompressible bytes. The update an origin
 * publishes, pulled over loopback HTTP by a client that holds the old version, costs about the
 * change (the block engine's delta), not a third of the file as zstd's windows made it.
 */
class LargeFileUpdateTest {
  private static final int SIZE = 96 << 20;

  @TempDir Path tmp;

  @Test
  void aSmallChangeToALargeFileTravelsAsAboutItsOwnSize() throws Exception {
    Random r = new Random(21);
    byte[] content = new byte[SIZE];
    r.nextBytes(content);
    Path v1 = Files.createDirectories(tmp.resolve("v1/srv"));
    Files.write(v1.resolve("wiki.zim"), content);
    byte[] edit = new byte[4096];
    r.nextBytes(edit);
    System.arraycopy(edit, 0, content, (70 << 20) + 5, edit.length);
    byte[] appended = new byte[1 << 20];
    r.nextBytes(appended);
    Path v2 = Files.createDirectories(tmp.resolve("v2/srv"));
    try (OutputStream out = Files.newOutputStream(v2.resolve("wiki.zim"))) {
      out.write(content);
      out.write(appended);
    }

    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client client = new Client(tmp.resolve("client"), origin.key.publicKey())) {
      var odb = origin.repo.objectDatabase();
      DeltaPullTest.ClientOnFirst onFirst = DeltaPullTest.clientOnFirst(origin, client, tmp.resolve("v1"));
      ObjectId first = onFirst.first();
      DeltaStore deltas = onFirst.deltas();

      ObjectId second = TestVersions.importVersion(odb, tmp.resolve("v2"), 2, first);
      VersionDeltas.Report report = new VersionDeltas(odb, DeltaBudget.defaults(), 2).compute(first, second, deltas);
      assertThat(report.chosenCount()).containsEntry(DeltaEngine.BLOCKS, 1);
      origin.publish(second);
      long before = origin.server.bytesSent();
      assertThat(DeltaPullTest.pullWith(client, origin.url(), false).manifest()).isEqualTo(second);
      long sent = origin.server.bytesSent() - before;

      assertThat(sent).as("bytes sent for a 4 KiB change and 1 MiB appended to a 96 MiB file")
          .isBetween((long) appended.length, (long) appended.length + (256 << 10));
      assertThat(TestImages.verifyAll(client.repo.objectDatabase(), second)).as("manifest, two trees, the file")
          .isEqualTo(4);
    }
  }
}
