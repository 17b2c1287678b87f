package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.casfs.fs.XattrFeaturesMountTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Snapshot;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POSIX ACLs through a writable mount behave as on a filesystem with ACLs for what the mode shows:
 * {@code cp -p} (which creates the file 0600 and then sets an ACL equal to the source's mode)
 * keeps a 644 file 644 and stores no ACL; {@code setfacl} with a named user sets the group bits to
 * the mask and keeps the ACL; {@code chmod} rewrites the ACL's mask; an imported ACL comes back
 * byte for byte. All checked in the committed version too.
 */
class AclModeMountTest {
  @TempDir Path tmp;

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void anAccessAclSetsTheModeAndOnlyAnExtendedOneIsKept() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path plain = Files.writeString(src.resolve("plain"), "plain\n");
    Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-r--r--"));
    Path imported = Files.writeString(src.resolve("imported-acl"), "acl\n");
    assertThat(run("setfacl", "-m", "u:nobody:rw", imported.toString()).code()).isZero();
    Path outside = Files.writeString(tmp.resolve("outside"), "outside\n");
    Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));

    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId base = m.importDir(src);
      byte[] importedAcl = m.snapshot(base).lookup("/imported-acl").meta().xattrs()
          .getOrNull("system.posix_acl_access");
      assertThat(importedAcl).isNotNull();
      m.mountImage(Versions.of(m.repo), base, MountOptions.defaults().withWritable(true));
      Path mnt = m.mountPoint;

      assertThat(run("cp", "-p", outside.toString(), mnt.resolve("copied").toString()).code()).isZero();
      assertThat(run("cp", "-a", mnt.resolve("plain").toString(), mnt.resolve("copied-a").toString()).code())
          .isZero();
      assertThat(mode(mnt.resolve("copied"))).isEqualTo("rw-r--r--");
      assertThat(mode(mnt.resolve("copied-a"))).isEqualTo("rw-r--r--");
      assertThat(m.imageMount.transaction().getxattrOrNull("/copied", "system.posix_acl_access"))
          .as("an ACL equal to the mode is a chmod, not an attribute").isNull();

      Path named = Files.writeString(mnt.resolve("named"), "named\n");
      Files.setPosixFilePermissions(named, PosixFilePermissions.fromString("rw-r-----"));
      XattrFeaturesMountTest.Run set = run("setfacl", "-m", "u:nobody:rwx", named.toString());
      assertThat(set.code()).as(set.out()).isZero();
      assertThat(mode(named)).as("the group bits show the mask").isEqualTo("rw-rwx---");
      assertThat(run("getfacl", "-c", named.toString()).out()).contains("user:nobody:rwx", "mask::rwx");

      assertThat(run("chmod", "640", named.toString()).code()).isZero();
      assertThat(run("getfacl", "-c", named.toString()).out()).as("chmod sets the mask")
          .contains("user:nobody:rwx\t#effective:r--", "mask::r--", "group::r--");

      Path both = Files.writeString(mnt.resolve("base-only"), "x\n");
      assertThat(run("setfacl", "-m", "u::rwx,g::r-x,o::---", both.toString()).code()).isZero();
      assertThat(mode(both)).isEqualTo("rwxr-x---");

      ObjectId committed = m.imageMount.transaction().commit("acls").manifest();
      m.unmount();
      Snapshot v = m.snapshot(committed);
      assertThat(v.lookup("/copied").meta().mode()).isEqualTo(0644);
      assertThat(v.lookup("/copied").meta().xattrs().getOrNull("system.posix_acl_access")).isNull();
      assertThat(v.lookup("/base-only").meta().mode()).isEqualTo(0750);
      assertThat(v.lookup("/base-only").meta().xattrs().isEmpty()).isTrue();
      assertThat(v.lookup("/named").meta().mode()).isEqualTo(0640);
      assertThat(v.lookup("/named").meta().xattrs().getOrNull("system.posix_acl_access")).isNotNull();
      assertThat(v.lookup("/imported-acl").meta().xattrs().getOrNull("system.posix_acl_access"))
          .as("an imported ACL is kept byte for byte").isEqualTo(importedAcl);
    }
  }
}
