package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.Checkout;
import org.casfs.cas.store.Snapshot;
import org.casfs.txn.CommitResult;
import org.casfs.txn.Transaction;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian v1 root mounted writable: a chroot session edits files and installs a .deb with
 * dpkg; the changes outlive an unmount and remount, and the commit's checkout holds exactly them
 * while the old version stays as it was.
 */
class DebianWritableMountTest {
  @TempDir Path tmp;

  static String sh(String script) throws Exception {
    return ReadOnlyMountTest.run("/bin/bash", "-c", script);
  }

  @Test
  void chrootEditsAndDpkgInstallBecomeANewVersion() throws Exception {
    Path v1 = DebianRootMountTest.corpus("v1");
    Path pkg = Files.createDirectories(tmp.resolve("pkg/DEBIAN"));
    Files.writeString(pkg.resolve("control"), "Package: casfs-hello\nVersion: 1.0\nArchitecture: all\n"
        + "Maintainer: casfs tests <root@localhost>\nDescription: a tiny package installed by a test\n");
    Path share = Files.createDirectories(tmp.resolve("pkg/usr/share/casfs-hello"));
    Files.writeString(share.resolve("hello.txt"), "hello from a .deb\n");
    sh("dpkg-deb --root-owner-group --build " + tmp.resolve("pkg") + " " + tmp.resolve("hello.deb") + " >/dev/null");

    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId base = m.importDir(v1);
      Versions versions = Versions.of(m.repo);
      MountOptions rw = MountOptions.defaults().asSystemRoot().withWritable(true);
      m.mountImage(versions, base, rw);
      String mnt = m.mountPoint.toString();
      Files.copy(tmp.resolve("hello.deb"), m.mountPoint.resolve("tmp/hello.deb"));
      sh("chroot " + mnt + " /bin/bash -c '"
          + "set -e; echo created > /root/new.txt; echo appended >> /etc/issue;"
          + " mv /etc/issue.net /etc/issue.net.renamed; rm /etc/motd; mkdir -p /srv/data; chmod 0700 /srv/data;"
          + " ln -s /root/new.txt /srv/data/link; dpkg -i /tmp/hello.deb >/dev/null; rm /tmp/hello.deb'");
      assertThat(sh("chroot " + mnt + " dpkg -l casfs-hello")).contains("ii  casfs-hello");
      assertThat(sh("chroot " + mnt + " cat /usr/share/casfs-hello/hello.txt")).isEqualTo("hello from a .deb\n");
      m.unmount();

      // remounted, the uncommitted changes are still there
      m.mountImage(versions, null, rw);
      assertThat(Files.readString(m.mountPoint.resolve("root/new.txt"))).isEqualTo("created\n");
      assertThat(Files.exists(m.mountPoint.resolve("etc/motd"))).isFalse();
      assertThat(sh("chroot " + mnt + " dpkg -s casfs-hello")).contains("Status: install ok installed");
      m.unmount();

      Transaction txn = versions.transactions().openOrNull();
      CommitResult done = txn.commit("with casfs-hello");
      Path oldOut = tmp.resolve("old");
      Path newOut = tmp.resolve("new");
      new Checkout(m.repo.objectDatabase()).checkout(m.snapshot(base), oldOut, null);
      new Checkout(m.repo.objectDatabase()).checkout(m.snapshot(done.manifest()), newOut, null);
      // the old version is untouched (diff cannot compare device nodes: ls compares those)
      assertThat(sh("diff -r --no-dereference -x dev " + v1 + " " + oldOut + " && echo same")).isEqualTo("same\n");
      assertThat(sh("ls -ln --time-style=full-iso " + oldOut + "/dev")).isEqualTo(sh("ls -ln --time-style=full-iso " + v1 + "/dev"));
      // the new one differs by exactly the session's changes plus dpkg's own bookkeeping
      String diff = sh("diff -rq --no-dereference -x dev " + oldOut + " " + newOut + " || true")
          .replace(oldOut.toString(), "OLD").replace(newOut.toString(), "NEW");
      List<String> lines = new ArrayList<>(List.of(diff.split("\n")));
      assertThat(lines).contains(
          "Only in NEW/root: new.txt",
          "Files OLD/etc/issue and NEW/etc/issue differ",
          "Only in OLD/etc: issue.net",
          "Only in NEW/etc: issue.net.renamed",
          "Only in OLD/etc: motd",
          "Only in NEW/srv: data",
          "Only in NEW/usr/share: casfs-hello",
          "Files OLD/var/lib/dpkg/status and NEW/var/lib/dpkg/status differ");
      lines.removeIf(l -> l.contains("/root: new.txt") || l.contains("/etc/issue") || l.contains("etc: issue.net")
          || l.contains("etc: motd") || l.contains("/srv: data") || l.contains("/usr/share: casfs-hello")
          || l.contains("/var/lib/dpkg") || l.contains("/var/log"));
      assertThat(lines).as("changes nobody made").isEmpty();
      assertThat(sh("stat -c '%a %U' " + newOut + "/srv/data")).isEqualTo("700 root\n");
      assertThat(Files.readSymbolicLink(newOut.resolve("srv/data/link"))).isEqualTo(Path.of("/root/new.txt"));
      assertThat(Files.readString(newOut.resolve("etc/issue"))).endsWith("appended\n");
      assertThat(Snapshot.open(m.repo.objectDatabase(), done.manifest()).manifest().parent()).isEqualTo(base);
    }
  }
}
