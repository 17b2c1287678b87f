package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Debian v1 root, imported and mounted as a system root (allow_other, dev, suid):
 * programs run inside it with chroot, and a listing and a tar of the mount equal the source's.
 */
class DebianRootMountTest {
  @TempDir Path tmp;

  static Path corpus(String version) {
    Path p = Path.of(System.getProperty("casfs.corpus", "/var/cache/casfs-corpus")).resolve(version);
    assumeTrue(Files.isDirectory(p.resolve("usr/bin")), "no Debian corpus at " + p);
    return p;
  }

  static String sh(String script) throws IOException {
    return ReadOnlyMountTest.run("/bin/bash", "-c", script);
  }

  @Test
  void chrootIntoMountedDebianRunsRealPrograms() throws Exception {
    Path v1 = corpus("v1");
    // other users must be able to reach the mountpoint to show allow_other at work
    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId v = m.importDir(v1);
      m.mount(v, MountOptions.defaults().asSystemRoot());
      String mnt = m.mountPoint.toString();

      assertThat(sh("chroot " + mnt + " /bin/bash -c 'echo hello from $0; id -u'")).isEqualTo("hello from /bin/bash\n0\n");
      assertThat(sh("chroot " + mnt + " dpkg -l")).contains("ii  dpkg ", "ii  apt ", "ii  bash ");
      assertThat(sh("chroot " + mnt + " apt-get --version")).startsWith("apt ");
      assertThat(sh("chroot " + mnt + " perl -e 'print 1'")).isEqualTo("1");
      // owners, modes (setuid included), sizes, ns times and link counts, as the source has them
      String lsMount = sh("chroot " + mnt + " ls -ln --time-style=full-iso /usr/bin | grep -v '^total'");
      String lsSource = sh("cd " + v1 + "/usr/bin && ls -ln --time-style=full-iso . | grep -v '^total'");
      assertThat(lsMount).isEqualTo(lsSource).contains("-rwsr-xr-x");
      // a user other than the mounter gets in (allow_other) and the kernel checks modes (default_permissions)
      assertThat(sh("setpriv --reuid=65534 --regid=65534 --clear-groups cat " + mnt + "/etc/debian_version"))
          .isEqualTo(Files.readString(v1.resolve("etc/debian_version")));
      assertThat(sh("setpriv --reuid=65534 --regid=65534 --clear-groups cat " + mnt + "/etc/shadow 2>&1 || true"))
          .contains("Permission denied");
      // device nodes work (dev): the chroot's /dev/null is a real one
      assertThat(sh("chroot " + mnt + " /bin/bash -c 'echo gone > /dev/null && echo ok'")).isEqualTo("ok\n");

      // the whole tree as tar (content, modes, owners, times, links, xattrs) equals the source's
      String tar = "tar --xattrs --xattrs-include='*' --numeric-owner --sort=name"
          + " --pax-option=delete=atime,delete=ctime -C %s -cf - . | sha256sum";
      assertThat(sh(String.format(tar, mnt))).isEqualTo(sh(String.format(tar, v1)));
      assertThat(m.log).isEmpty();
    }
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
