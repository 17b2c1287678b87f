package org.casfs.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.List;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.Client;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.sync.wire.FrameHeader;
import org.casfs.sync.wire.FrameWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source sends the root tree of the signed version as 200 MiB (zeros: 6.6 KB under zstd). The
 * pull read trees up to 256 MiB into memory before hashing them, in a fetch stream and on each of
 * eight parallel GETs: a laptop's daemon (160 MiB of heap) ended in OutOfMemoryError. A tree is
 * now at most {@link TreeBytes#MAX} bytes: a frame declaring more is refused at its header, a GET
 * answering more is cut off there, and the source is dropped with one line.
 */
class HugeTreeTest {
  private static final long HUGE = 200L << 20;

  @TempDir Path tmp;
  Origin origin;
  Client client;
  ObjectId v1;
  byte[] head;
  Hashes root;

  @BeforeEach
  void setUp() throws Exception {
    origin = new Origin(tmp.resolve("origin"));
    client = new Client(tmp.resolve("client"), origin.key.publicKey());
    client.config = PullConfig.defaults().withAttempts(1);
    ObjectDatabase db = origin.repo.objectDatabase();
    v1 = TestImages.version(db, "stable", 1, 7, 2, 4, 0, null);
    head = origin.publish(v1).encode();
    root = db.readManifest(v1).root();
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    origin.close();
  }

  @Test
  void aRootTreeFrameDeclaring200MiBIsRefusedAtItsHeader() throws Exception {
    ObjectDatabase db = origin.repo.objectDatabase();
    byte[] manifest = db.store().read(v1);
    try (HostileFetchServer hostile = new HostileFetchServer(head, out -> {
      FrameWriter w = new FrameWriter(out);
      w.frame(new FrameHeader(FrameHeader.MANIFEST, db.store().statOrNull(v1).hashes(), manifest.length), manifest);
      w.header(new FrameHeader(FrameHeader.TREE, root, HUGE));
      HostileFetchServer.zeros(out, HUGE);
    })) {
      assertRefused(hostile, String.valueOf(HUGE));
    }
  }

  @Test
  void aRootTreeAnswering200MiBToAGetIsCutOffAtTheLimit() throws Exception {
    ObjectDatabase db = origin.repo.objectDatabase();
    byte[] manifest = db.store().read(v1);
    try (HostileFetchServer hostile = new HostileFetchServer(head, null)) { // no fetch stream: GETs
      hostile.objects.put(v1, out -> out.write(manifest));
      hostile.objects.put(root.id(), out -> HostileFetchServer.zeros(out, HUGE));
      assertRefused(hostile, "over " + TreeBytes.MAX);
    }
  }

  private void assertRefused(HostileFetchServer hostile, String size) throws Exception {
    HttpSource source = new HttpSource(hostile.url(), client.config);
    Throwable e = catchThrowable(() -> client.pull(List.of(source), true));
    assertThat(e).isInstanceOf(PullException.class).hasMessageContaining(root.id().name())
        .hasMessageContaining(size + " bytes; a pull takes trees up to " + TreeBytes.MAX);
    // Counted where the client reads: what the server wrote also holds loopback's buffers (tens of MiB).
    assertThat(source.bytesReceived()).as("bytes the client took before it hung up").isLessThan(64L << 20);
    assertThat(hostile.fetchBytes.get()).as("bytes the server could send before the client hung up").isLessThan(HUGE);
    assertThat(client.refs.current).isNull();
    assertThat(client.repo.objects().contains(root.id())).isFalse();
  }
}
