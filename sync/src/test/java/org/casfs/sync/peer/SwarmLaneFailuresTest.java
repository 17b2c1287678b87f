package org.casfs.sync.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.casfs.cas.ObjectId;
import org.casfs.sync.pull.Source;
import org.casfs.sync.wire.FetchRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A neighbour over a link that keeps dropping fails a transfer now and then and delivers the ones
 * between: {@link SwarmSource} drops a lane only when it fails twice in a row. Before, two
 * failures in all dropped it, and with it the only neighbour of the pull.
 */
class SwarmLaneFailuresTest {
  @TempDir Path tmp;

  @Test
  void aNeighbourThatFailsNowAndThenButDeliversBetweenIsKept() throws Exception {
    List<ObjectId> ids = new ArrayList<>();
    Map<ObjectId, byte[]> objects = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      byte[] b = ("object " + i).getBytes(StandardCharsets.UTF_8);
      ObjectId id = ObjectId.fromRaw(MessageDigest.getInstance("SHA-1").digest(b));
      ids.add(id);
      objects.put(id, b);
    }
    // The link drops the transfers of objects 0, 2 and 4; 1, 3 and 5 get through.
    Set<ObjectId> cut = Set.of(ids.get(0), ids.get(2), ids.get(4));
    List<String> log = new ArrayList<>();
    SwarmSource swarm = new SwarmSource("neighbours", new byte[0],
        List.of(new FlakyNeighbour(objects, cut)), tmp, log::add);
    for (int i = 0; i < 6; i++) {
      ObjectId id = ids.get(i);
      if (cut.contains(id)) {
        assertThatThrownBy(() -> swarm.openObject(id, 0)).isInstanceOf(IOException.class);
      } else {
        try (InputStream in = swarm.openObject(id, 0)) {
          assertThat(in.readAllBytes()).isEqualTo(objects.get(id));
        }
      }
    }
    assertThat(swarm.lanes()).singleElement().satisfies(lane -> {
      assertThat(lane.dropped()).as("log: " + log).isFalse();
      assertThat(lane.failures()).isEqualTo(3);
      assertThat(lane.objects()).isEqualTo(3);
    });
  }

  @Test
  void aNeighbourThatFailsTwiceInARowIsDropped() throws Exception {
    byte[] b = "object".getBytes(StandardCharsets.UTF_8);
    ObjectId id = ObjectId.fromRaw(MessageDigest.getInstance("SHA-1").digest(b));
    SwarmSource swarm = new SwarmSource("neighbours", new byte[0],
        List.of(new FlakyNeighbour(Map.of(id, b), Set.of(id))), tmp, line -> { });
    assertThatThrownBy(() -> swarm.openObject(id, 0)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> swarm.openObject(id, 0)).isInstanceOf(IOException.class);
    assertThat(swarm.lanes()).singleElement().satisfies(lane -> assertThat(lane.dropped()).isTrue());
  }

  /** Serves {@code objects}; the transfer of each in {@code cut} breaks. */
  private static final class FlakyNeighbour implements Source {
    private final Map<ObjectId, byte[]> objects;
    private final Set<ObjectId> cut;

    FlakyNeighbour(Map<ObjectId, byte[]> objects, Set<ObjectId> cut) {
      this.objects = objects;
      this.cut = cut;
    }

    @Override
    public String name() {
      return "http://neighbour";
    }

    @Override
    public byte[] head() {
      return new byte[0];
    }

    @Override
    public InputStream openFetchOrNull(FetchRequest request) {
      return null;
    }

    @Override
    public InputStream openObject(ObjectId id, long offset) throws IOException {
      if (cut.contains(id)) {
        throw new IOException("http://neighbour: the transfer of object " + id + " broke after 3 of 8 bytes");
      }
      return new ByteArrayInputStream(objects.get(id));
    }

    @Override
    public long bytesReceived() {
      return 0;
    }

    @Override
    public long requests() {
      return 0;
    }
  }
}
