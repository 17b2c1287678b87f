package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.Tmpfs;
import org.casfs.cas.store.RepoConfig;
import org.casfs.sync.Client;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile neighbour sends a delta of a few hundred bytes that names the right new blob but
 * claims to rebuild a gigabyte of it, by copying the old blob over and over. The client applied it
 * into a temporary file on its repository's disk up to the claimed size before the hashes could
 * say it was wrong: a laptop whose root filesystem is that disk filled it. Now the claimed size
 * must be the one the signed tree gives; the delta is refused at once and the blob fetched whole.
 */
class HostileDeltaTest {
  @TempDir Path tmp;

  @Test
  void aDeltaClaimingAnotherSizeThanTheSignedTreeIsRefusedBeforeItIsApplied() throws Exception {
    Random r = new Random(13);
    byte[] content = new byte[12 << 20];
    r.nextBytes(content);
    Path v1 = Files.createDirectories(tmp.resolve("v1/srv"));
    Files.write(v1.resolve("file"), content);
    content[5 << 20] ^= 1;
    Path v2 = Files.createDirectories(tmp.resolve("v2/srv"));
    Files.write(v2.resolve("file"), content);
    Files.createDirectories(tmp.resolve("laptop"));
    try (Tmpfs disk = Tmpfs.mount(tmp.resolve("laptop"), "size=160m");
        Origin origin = new Origin(tmp.resolve("origin"));
        Client client = new Client(disk.dir().resolve("repo"), origin.key.publicKey(), RepoConfig.defaults())) {
      var odb = origin.repo.objectDatabase();
      DeltaPullTest.ClientOnFirst onFirst = DeltaPullTest.clientOnFirst(origin, client, tmp.resolve("v1"));
      ObjectId first = onFirst.first();
      DeltaStore deltas = onFirst.deltas();

      ObjectId second = TestVersions.importVersion(odb, tmp.resolve("v2"), 2, first);
      origin.publish(second);
      ObjectId oldBlob = Hashes.of(Files.readAllBytes(v1.resolve("file"))).id();
      deltas.put(copiesOverAndOver(oldBlob, 12 << 20, Hashes.of(content), 1L << 30));

      assertThat(DeltaPullTest.pullWith(client, origin.url(), false).manifest()).isEqualTo(second);
      assertThat(TestImages.verifyAll(client.repo.objectDatabase(), second)).isEqualTo(4);
      try (var left = Files.list(client.repo.stagingDir("tmp-deltas"))) {
        assertThat(left).as("nothing left of the delta or its output").isEmpty();
      }
    }
  }

  /** A block-engine delta whose header claims {@code claimed} bytes, made of copies of the whole old blob. */
  private static byte[] copiesOverAndOver(ObjectId oldId, int oldSize, Hashes newBlob, long claimed) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new DeltaHeader(DeltaEngine.BLOCKS, oldId, newBlob, claimed).encode());
    for (long done = 0; done < claimed; done += oldSize) {
      Varint.write(out, 0); // no literal
      Varint.write(out, Math.min(oldSize, claimed - done));
      Varint.write(out, 0); // from the start of the old blob
    }
    return out.toByteArray();
  }
}
