package org.casfs.sync.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Repository;
import org.casfs.sync.Client;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two laptops on a switch without a DHCP server: each has only its IPv6 link-local address. The
 * one that pulled a version from the school's server (with {@code casfs pull}) offers it; the
 * other, told its neighbour's URL with the interface as RFC 6874 writes it ({@code
 * http://[fe80::…%25eth0]:7420}), takes it. Both failed: the puller offered nothing, and the
 * static neighbour's address was taken for a host name that never resolved.
 */
class LinkLocalPeersTest {
  @TempDir Path tmp;

  @Test
  void aLaptopTakesTheUpdateFromANeighbourKnownOnlyByItsLinkLocalAddress() throws Exception {
    assumeTrue(NetLab.available(), "needs root and iproute2");
    List<Process> started = new ArrayList<>();
    try (NetLab lab = new NetLab(); Origin origin = new Origin(tmp.resolve("origin")).serve()) {
      ObjectId v1 = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 5, 4, 10, 0, null);
      origin.publish(v1);
      try (Client teacher = new Client(tmp.resolve("teacher"), origin.key.publicKey());
          Client pupil = new Client(tmp.resolve("pupil"), origin.key.publicKey())) {
        assertThat(teacher.pull(origin.url(), true).manifest()).as("the teacher's laptop, at school").isEqualTo(v1);
      }

      String a = lab.namespace("teacher");
      String b = lab.namespace("pupil");
      String[] addresses = new String[2];
      String[] devs = lab.linkLocalOnly(a, b, addresses);
      String classpath = System.getProperty("java.class.path");
      started.add(peer(a, tmp.resolve("teacher"), classpath, tmp.resolve("teacher.log")));
      started.add(peer(b, tmp.resolve("pupil"), classpath, tmp.resolve("pupil.log"),
          "--peers", "http://[" + addresses[0] + "%25" + devs[1] + "]:7420", "--auto-switch"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline && !Files.readString(tmp.resolve("pupil.log")).contains("switched to stable#")) {
        Thread.sleep(200);
      }
      for (Process p : started) {
        p.destroy();
        p.waitFor(20, TimeUnit.SECONDS);
      }
      assertThat(Files.readString(tmp.resolve("pupil.log"))).as(Files.readString(tmp.resolve("teacher.log")))
          .contains("switched to stable#");
      try (Repository repo = Repository.open(tmp.resolve("pupil"))) {
        assertThat(Versions.of(repo).refs().currentOrNull()).isEqualTo(v1);
      }
    } finally {
      for (Process p : started) {
        p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
      }
    }
  }

  private static Process peer(String ns, Path repo, String classpath, Path log, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(NetLab.withNs(ns, ProcessHandle.current().info().command().orElse("java"),
        "-Xmx256m", "-cp", classpath, PeerMain.class.getName(), "--repo", repo.toString(), "--port", "7420",
        "--poll", "1"));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
