package org.casfs.sync.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Map;
import org.casfs.cas.ObjectId;
import org.casfs.sync.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heart of the design, for real: an origin and a chain of 6 laptops, each laptop a separate
 * peer process in its own network namespace, linked by veth pairs so each reaches only its
 * direct neighbours (mDNS is link-local, so discovery too is hop by hop). The origin publishes
 * v1 and then v2; each time the far end switches, and every laptop got the version from the
 * node before it — only the first laptop from the origin.
 */
class SwarmChainTest {
  private static final int LAPTOPS = 6;

  @TempDir Path dir;

  @Test
  void versionsSpreadHopByHopAlongAChain() throws Exception {
    assumeTrue(NetLab.available(), "needs root and iproute2");
    String cp = System.getProperty("java.class.path");
    assertThat(cp).as("the test classpath reaches the child processes").contains("jmdns");
    String javaCmd = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try (Swarm swarm = new Swarm(dir, LAPTOPS, "stable")) {
      for (int i = 0; i < LAPTOPS; i++) {
        swarm.link(i, i + 1);
      }
      var db = swarm.origin.repo.objectDatabase();
      ObjectId v1 = TestImages.version(db, "stable", 1, 42, 6, 20, 0, null);
      ObjectId v2 = TestImages.version(db, "stable", 2, 42, 6, 20, 0.1, v1);
      swarm.publish(v1);
      swarm.start(javaCmd, cp);

      java.time.LocalTime published = java.time.LocalTime.now();
      for (ObjectId v : new ObjectId[] {v1, v2}) {
        if (v == v2) {
          published = java.time.LocalTime.now();
          swarm.publish(v2);
        }
        int far = LAPTOPS;
        PeerFinderTest.await(() -> {
          try {
            return swarm.switched(far, v);
          } catch (java.io.IOException e) {
            return false;
          }
        }, () -> "far end to switch to " + v + "; logs:\n" + logs(swarm), 180);
        StringBuilder hops = new StringBuilder(v == v1 ? "v1 (from start)" : "v2");
        for (int i = 1; i <= LAPTOPS; i++) {
          var t = swarm.switchTime(i, v);
          hops.append(" | laptop ").append(i).append(" +")
              .append(t == null ? "?" : java.time.Duration.between(published, t).toMillis()).append(" ms");
        }
        System.out.println("swarm chain: " + hops);
        for (int i = 1; i <= LAPTOPS; i++) {
          Map<String, Long> sources = swarm.sourcesOf(i, v);
          assertThat(sources).as("laptop %d pulled %s from %s", i, v, sources).isNotEmpty();
          assertThat(swarm.urlsOf(i - 1)).as("laptop %d's sources %s are its direct neighbour", i, sources)
              .containsAll(sources.keySet().stream().map(u -> u.endsWith("/") ? u : u + "/").toList());
          if (i > 1) {
            assertThat(sources.keySet()).noneMatch(u -> swarm.originUrl().startsWith(u));
          }
        }
      }
    }
  }

  private static String logs(Swarm swarm) {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= swarm.laptops(); i++) {
      try {
        b.append("--- laptop ").append(i).append('\n').append(swarm.log(i));
      } catch (java.io.IOException e) {
        b.append(e).append('\n');
      }
    }
    return b.toString();
  }
}
