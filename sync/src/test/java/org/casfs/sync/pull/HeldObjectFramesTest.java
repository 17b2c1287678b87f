package org.casfs.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.casfs.cas.Entry;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
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
 * A fetch stream sends a frame for an object the client already holds, declaring 2^62 bytes, and
 * then zeros: the client skipped whatever size was declared, and as zstd makes zeros free to send
 * and they pass the rate floor, the pull never ended. A held object's frame must declare that
 * object's size; otherwise the source is lying and is dropped at the header.
 */
class HeldObjectFramesTest {
  private static final long LIE = 1L << 62;

  @TempDir Path tmp;
  Origin origin;
  Client client;
  ObjectId v1;
  ObjectId v2;
  byte[] head;

  @BeforeEach
  void setUp() throws Exception {
    origin = new Origin(tmp.resolve("origin")).serve();
    client = new Client(tmp.resolve("client"), origin.key.publicKey());
    client.config = PullConfig.defaults().withAttempts(1);
    ObjectDatabase db = origin.repo.objectDatabase();
    v1 = TestImages.version(db, "stable", 1, 7, 2, 4, 0, null);
    origin.publish(v1);
    client.pull(origin.url(), true);
    v2 = TestImages.version(db, "stable", 2, 7, 2, 4, 0.5, v1);
    head = origin.publish(v2).encode();
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    origin.close();
  }

  @Test
  void aHeldTreeDeclaredHugeDropsTheSourceAtItsHeader() throws Exception {
    Hashes heldTree = origin.repo.objectDatabase().readManifest(v1).root();
    assertLyingFrameRefused(heldTree.id(), out -> {
      new FrameWriter(out).header(new FrameHeader(FrameHeader.TREE, heldTree, LIE));
      HostileFetchServer.zeros(out, Long.MAX_VALUE);
    });
  }

  @Test
  void aHeldBlobDeclaredHugeAfterTheTreesDropsTheSourceAtItsHeader() throws Exception {
    ObjectDatabase db = origin.repo.objectDatabase();
    Entry held = db.readTree(db.readTree(db.readManifest(v1).rootId()).entries().get(0).childId()).entries().stream()
        .filter(Entry::isRegular).findFirst().orElseThrow();
    assertThat(client.repo.objects().contains(held.childId())).isTrue();
    assertLyingFrameRefused(held.childId(), out -> {
      FrameWriter w = new FrameWriter(out);
      w.frame(new FrameHeader(FrameHeader.MANIFEST, db.store().statOrNull(v2).hashes(), db.store().read(v2).length),
          db.store().read(v2));
      // every tree the client lacks, parents first, as a server sends them
      Deque<ObjectId> trees = new ArrayDeque<>(List.of(db.readManifest(v2).rootId()));
      while (!trees.isEmpty()) {
        ObjectId t = trees.poll();
        if (client.repo.objects().contains(t)) {
          continue;
        }
        byte[] bytes = db.store().read(t);
        w.frame(new FrameHeader(FrameHeader.TREE, db.store().statOrNull(t).hashes(), bytes.length), bytes);
        db.readTree(t).entries().stream().filter(Entry::isDirectory).forEach(e -> trees.add(e.childId()));
      }
      w.header(new FrameHeader(FrameHeader.BLOB, held.child(), LIE));
      HostileFetchServer.zeros(out, Long.MAX_VALUE);
    });
  }

  private void assertLyingFrameRefused(ObjectId heldId, HostileFetchServer.Body body) throws Exception {
    assertThat(client.repo.objectDatabase().store().statOrNull(heldId).type())
        .isIn(ObjectType.TREE, ObjectType.BLOB);
    try (HostileFetchServer hostile = new HostileFetchServer(head, body)) {
      Throwable e = assertTimeoutPreemptively(Duration.ofSeconds(30),
          () -> catchThrowable(() -> client.pull(hostile.url(), true)));
      assertThat(e).isInstanceOf(PullException.class).hasMessageContaining(heldId.name())
          .hasMessageContaining("holds").hasMessageContaining(String.valueOf(LIE));
      assertThat(hostile.fetchBytes.get()).as("bytes the client took before it hung up").isLessThan(64L << 20);
      assertThat(client.refs.current).isEqualTo(v1);
    }
  }
}
