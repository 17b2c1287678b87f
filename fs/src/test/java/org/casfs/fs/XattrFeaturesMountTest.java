package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version without SELinux labels or POSIX ACLs is mounted as a filesystem without those
 * features: {@code ls -lR} asks the mount about them twice in all instead of twice per file, while
 * every attribute the version does carry reads as before; a version that labels one file answers
 * "no such attribute" for the others, as a filesystem with the feature does.
 */
class XattrFeaturesMountTest {
  private static final int GETXATTR = 22;

  @TempDir Path tmp;

  static Path tree(Path dir, int files) throws Exception {
    for (int d = 0; d < 5; d++) {
      Path sub = Files.createDirectories(dir.resolve("d" + d));
      for (int i = 0; i < files; i++) {
        Files.writeString(sub.resolve("f" + i), "file " + d + "/" + i + "\n");
      }
      Files.createSymbolicLink(sub.resolve("link"), Path.of("f0"));
    }
    setfattr(dir.resolve("d0/f0"), "user.origin", "school");
    return dir;
  }

  static void setfattr(Path file, String name, String value) throws Exception {
    assertThat(run("setfattr", "-n", name, "-v", value, file.toString()).code).isZero();
  }

  record Run(int code, String out) {}

  static Run getfattr(String... args) throws Exception {
    String[] cmd = new String[args.length + 2];
    cmd[0] = "getfattr";
    cmd[1] = "--absolute-names";
    System.arraycopy(args, 0, cmd, 2, args.length);
    return run(cmd);
  }

  static Run run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  @Test
  void aVersionWithoutLabelsOrAclsAnswersNotSupportedAndLsStopsAsking() throws Exception {
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId plain = m.importDir(tree(tmp.resolve("plain"), 40));
      m.mount(plain, MountOptions.defaults());
      Path f = m.mountPoint.resolve("d0/f0");

      long before = m.mount.requestCounts()[GETXATTR];
      Run ls = run("ls", "-lR", m.mountPoint.toString());
      long asked = m.mount.requestCounts()[GETXATTR] - before;
      assertThat(ls.code()).as(ls.out()).isZero();
      assertThat(ls.out()).contains("f39").doesNotContain("f0+"); // no ACL sign
      assertThat(asked).as("GETXATTR requests for ls -lR of 200 files").isLessThanOrEqualTo(4);

      assertThat(getfattr("-n", "security.selinux", f.toString()).out()).contains("Operation not supported");
      assertThat(getfattr("-n", "system.posix_acl_access", f.toString()).out())
          .contains("Operation not supported");
      assertThat(getfattr("-n", "user.origin", "--only-values", f.toString()).out()).isEqualTo("school");
      assertThat(getfattr("-n", "user.other", f.toString()).out()).contains("No such attribute");
      assertThat(getfattr("-d", "-m", "-", f.toString()).out()).contains("user.origin=\"school\"");
    }
  }

  @Test
  void aVersionThatLabelsOneFileAnswersNoSuchAttributeForTheOthers() throws Exception {
    Path src = tree(tmp.resolve("labelled"), 3);
    setfattr(src.resolve("d4/f2"), "security.selinux", "system_u:object_r:etc_t:s0");
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId labelled = m.importDir(src);
      m.mount(labelled, MountOptions.defaults());
      assertThat(getfattr("-n", "security.selinux", "--only-values",
          m.mountPoint.resolve("d4/f2").toString()).out()).isEqualTo("system_u:object_r:etc_t:s0");
      assertThat(getfattr("-n", "security.selinux", m.mountPoint.resolve("d0/f0").toString()).out())
          .contains("No such attribute");
      assertThat(getfattr("-n", "system.posix_acl_access", m.mountPoint.resolve("d0/f0").toString()).out())
          .as("the version still uses no ACLs").contains("Operation not supported");
      List<String> names = List.of(getfattr("-d", "-m", "-", m.mountPoint.resolve("d4/f2").toString())
          .out().split("\n"));
      assertThat(names).anyMatch(l -> l.startsWith("security.selinux="));
    }
  }
}
