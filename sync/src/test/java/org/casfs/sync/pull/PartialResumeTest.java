package org.casfs.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.io.ImportResult;
import org.casfs.cas.io.Importer;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.Client;
import org.casfs.sync.HostileProxy;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large blob whose transfer breaks half way is completed with {@code Range: bytes=N-} from the
 * prefix kept in {@code staging/partial}, not fetched again whole; a prefix that does not verify
 * is dropped and the blob fetched whole. A version with one 24 MiB blob of random bytes (seeded;
 * the seed is printed on failure) and a few small files, over loopback HTTP through a proxy that
 * cuts the fetch stream.
 */
class PartialResumeTest {
  private static final long SEED = Long.getLong("casfs.seed", System.nanoTime());
  private static final int BIG = 24 << 20;

  @TempDir Path tmp;

  @Test
  void aLargeBlobCutMidwayIsCompletedWithARange() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin")).serve();
        Client client = new Client(tmp.resolve("client"), origin.key.publicKey());
        HostileProxy proxy = new HostileProxy(origin.url())) {
      ObjectId v1 = version(origin);
      client.config = PullConfig.defaults().withAttempts(2);
      proxy.cutFetchAfter = 14 << 20;
      RecordedNotes recorded = new RecordedNotes();
      List<String> notes = recorded.notes;
      Puller.Result r = client.puller().listener(recorded)
          .pull(List.of(new HttpSource(proxy.url(), client.config)), true);
      assertThat(r.manifest()).isEqualTo(v1);
      assertThat(TestImages.verifyAll(client.repo.objectDatabase(), v1)).isGreaterThan(4);
      long resumedAt = resumedAt(notes);
      assertThat(resumedAt).as("seed " + SEED + ", notes " + notes).isGreaterThan(8 << 20).isLessThan(BIG);
      assertThat(r.bytesReceived()).as("bytes received in total (cut stream + rest), seed " + SEED)
          .isLessThan(BIG + BIG / 10);
      assertThat(prefixesLeft(client)).isEmpty();
    }
  }

  @Test
  void aPrefixThatDoesNotVerifyIsDroppedAndTheBlobFetchedWhole() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin")).serve();
        Client client = new Client(tmp.resolve("client"), origin.key.publicKey());
        HostileProxy proxy = new HostileProxy(origin.url())) {
      ObjectId v1 = version(origin);
      ObjectId big = bigBlob(origin.repo.objectDatabase(), v1);
      client.config = PullConfig.defaults().withAttempts(1);
      proxy.cutFetchAfter = 14 << 20;
      proxy.goneAfterCut = true; // the pull stops there (a round that stored something is retried)
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.pull(proxy.url(), true))
          .isInstanceOf(PullException.class);
      Path prefix = client.repo.dir().resolve("staging/partial").resolve(big.name());
      long held = Files.size(prefix);
      assertThat(held).as("prefix kept after the cut, seed " + SEED).isGreaterThan(8 << 20);
      Files.write(prefix, new byte[(int) held]); // damaged: zeros instead of the blob's bytes

      RecordedNotes recorded = new RecordedNotes();
      List<String> notes = recorded.notes;
      Puller.Result r = client.puller().listener(recorded)
          .pull(List.of(new HttpSource(origin.url(), client.config)), true);
      assertThat(r.manifest()).isEqualTo(v1);
      assertThat(TestImages.verifyAll(client.repo.objectDatabase(), v1)).isGreaterThan(4);
      assertThat(resumedAt(notes)).as("a resume was tried from the damaged prefix").isEqualTo(held);
      assertThat(prefixesLeft(client)).isEmpty();
    }
  }

  private static long resumedAt(List<String> notes) {
    Pattern p = Pattern.compile("resuming [0-9a-f]{40} at byte (\\d+) of " + BIG);
    for (String n : notes) {
      Matcher m = p.matcher(n);
      if (m.find()) {
        return Long.parseLong(m.group(1));
      }
    }
    return -1;
  }

  private static List<Path> prefixesLeft(Client c) throws Exception {
    Path dir = c.repo.dir().resolve("staging/partial");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var s = Files.list(dir)) {
      return s.toList();
    }
  }

  /** lib/big (24 MiB random) and four small files; published. */
  private ObjectId version(Origin origin) throws Exception {
    Random r = new Random(SEED);
    Path d = tmp.resolve("v1");
    Files.createDirectories(d.resolve("lib"));
    byte[] big = new byte[BIG];
    r.nextBytes(big);
    Files.write(d.resolve("lib/big"), big);
    for (int i = 0; i < 4; i++) {
      byte[] small = new byte[1000 + i];
      r.nextBytes(small);
      Files.write(d.resolve("small" + i), small);
    }
    ObjectDatabase db = origin.repo.objectDatabase();
    ImportResult imported = new Importer(db).importDirectory(d, ImportOptions.defaults(), null);
    ObjectId v1 = db.writeManifest(new Manifest(imported.root(), imported.rootMeta(), "stable", 1, "v1", null,
        1_700_000_000_000L)).id();
    origin.publish(v1);
    return v1;
  }

  private static ObjectId bigBlob(ObjectDatabase db, ObjectId version) throws Exception {
    var lib = db.readTree(db.readManifest(version).rootId()).getOrNull(org.casfs.cas.Name.of("lib"));
    return db.readTree(lib.childId()).getOrNull(org.casfs.cas.Name.of("big")).childId();
  }
}
