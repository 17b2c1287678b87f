package org.casfs.sync.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * Interop with Debian's Avahi, the mDNS stack every Linux desktop runs: {@code avahi-browse -rt
 * _casfs._tcp} sees a casfs peer with its TXT record, and a casfs peer sees a service that
 * {@code avahi-publish -s} announces. avahi-daemon and a private D-Bus system bus run inside a
 * network namespace made for the test (and a private mount namespace), linked to this JVM by a
 * veth pair; all of it is stopped and removed afterwards.
 */
class AvahiInteropTest {
  private static final ObjectId OURS = ObjectId.fromString("0123456789abcdef0123456789abcdef01234567");
  private static final ObjectId THEIRS = ObjectId.fromString("89abcdef0123456789abcdef0123456789abcdef");

  @Test
  void avahiSeesCasfsAndCasfsSeesAvahi() throws Exception {
    assumeTrue(NetLab.available(), "needs root and iproute2");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/avahi-daemon"))
        && Files.isExecutable(Path.of("/usr/bin/avahi-publish")), "needs avahi-daemon and avahi-utils");
    Path script = Files.createTempFile("casfs-avahi-lab", ".sh");
    List<String> lines = new CopyOnWriteArrayList<>();
    try (NetLab lab = new NetLab()) {
      String ns = lab.namespace("avahi");
      InetAddress[] ends = new InetAddress[2];
      String[] devs = lab.link(null, ns, 180 + (int) (Math.random() * 20), ends);
      try (InputStream in = AvahiInteropTest.class.getResourceAsStream("avahi-lab.sh")) {
        Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      }
      String avahiName = "casfs-avahi-" + lab.tag();
      List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "unshare", "-m",
          "--propagation", "private", "bash", script.toString(), devs[1], avahiName, "7777"));
      cmd.addAll(Announcement.of("stable", 9, THEIRS, 7777).toTxt().entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue()).toList());
      Process avahi = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      // Stopped before the lab goes (its link and namespace): an avahi-browse cut off from its
      // daemon's network mid-resolve kept the script from ever reading its stdin's end.
      try {
        Thread pump = new Thread(() -> {
          try (BufferedReader r = new BufferedReader(
              new InputStreamReader(avahi.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
              lines.add(line);
            }
          } catch (java.io.IOException e) {
            lines.add("READ FAILED " + e);
          }
        });
        pump.setDaemon(true);
        pump.start();
        PeerFinderTest.await(() -> lines.stream().anyMatch(l -> l.startsWith("AVAHI started")
            || l.startsWith("FAILED")), () -> "avahi-daemon start: " + lines);
        assertThat(lines).noneMatch(l -> l.startsWith("FAILED"));

        String ourName = "casfs-interop-" + lab.tag();
        try (PeerFinder finder = new PeerFinder(PeerFinderTest.options(ends[0], ourName), (n, o) -> { })) {
          finder.start(Announcement.of("stable", 4, OURS, 7420));

          // avahi-browse -p resolved lines: =;iface;IPv4;name;type;domain;host;address;port;"txt"...
          PeerFinderTest.await(() -> lines.stream().anyMatch(l -> l.startsWith("BROWSE =")
              && l.contains(";" + ourName + ";_casfs._tcp;")), () -> "avahi-browse to see us: " + lines);
          String seen = lines.stream().filter(l -> l.startsWith("BROWSE =")
              && l.contains(";" + ourName + ";")).findFirst().orElseThrow();
          assertThat(seen).contains(";" + ends[0].getHostAddress() + ";7420;")
              .contains("\"seq=4\"").contains("\"ch=stable\"").contains("\"id=" + OURS.name() + "\"")
              .contains("\"proto=1\"").contains("\"port=7420\"");

          PeerFinderTest.await(() -> PeerFinderTest.find(finder, avahiName) != null,
              () -> "casfs to see the avahi-published service; stats " + finder.stats());
          Neighbour n = PeerFinderTest.find(finder, avahiName);
          assertThat(n.address().getAddress()).isEqualTo(ends[1]);
          assertThat(n.announcement()).isEqualTo(Announcement.of("stable", 9, THEIRS, 7777));
        }
      } finally {
        stop(avahi);
      }
    } finally {
      Files.deleteIfExists(script);
    }
  }

  /**
   * Closes the script's stdin, on which it stops its daemons; if it has not ended 10 s later, its
   * descendants (the daemons it started) and then the script itself are killed, by pid.
   */
  private static void stop(Process script) throws Exception {
    script.getOutputStream().close();
    if (script.waitFor(10, TimeUnit.SECONDS)) {
      return;
    }
    List<ProcessHandle> started = script.toHandle().descendants().toList();
    started.forEach(ProcessHandle::destroyForcibly);
    script.destroyForcibly();
    script.waitFor(5, TimeUnit.SECONDS);
    for (ProcessHandle p : started) {
      p.onExit().get(5, TimeUnit.SECONDS);
    }
  }
}
