package org.casfs.cas.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.MissingObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input and damaged objects: one clear error naming the path (and object), no wrong byte. */
class ImportCheckoutErrorsTest {
  private ScratchDir work;

  @BeforeEach
  void setUp() throws Exception {
    work = new ScratchDir("casfs-errors");
  }

  @AfterEach
  void tearDown() throws Exception {
    work.close();
  }

  @Test
  void unreadableFileFailsTheImportNamingItsPath() throws Exception {
    Path src = work.resolve("src");
    TestTrees.at(src).file("readable", "ok").dir("sub").file("sub/secret", "no").chmod("sub/secret", 0);
    // Root reads everything; a child without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH cannot.
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder("setpriv", "--bounding-set=-dac_override,-dac_read_search", java, "-cp",
        System.getProperty("java.class.path"), ImportMain.class.getName(), work.resolve("repo").toString(),
        src.toString()).start();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    p.getErrorStream().transferTo(err);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String message = err.toString(StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(message).isEqualTo(1);
    assertThat(message).contains("open " + src.resolve("sub/secret"), "Permission denied");
    assertThat(message.lines().count()).isEqualTo(1);
    try (Repository repo = Repository.open(work.resolve("repo"))) {
      List<ObjectType> types = new ArrayList<>();
      repo.objects().forEach(info -> {
        types.add(info.type());
        return true;
      });
      assertThat(types).doesNotContain(ObjectType.MANIFEST, ObjectType.TREE);
    }
  }

  @Test
  void damagedLooseBlobIsRefusedNamingObjectAndPath() throws Exception {
    Path src = work.resolve("src");
    TestTrees.at(src).randomFile("big", 200_000, 7).file("small", "fine");
    try (Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults())) {
      ImportResult r = new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults(), null);
      ObjectId blob = repo.objectDatabase().readTree(r.root().id()).getOrNull(org.casfs.cas.Name.of("big")).childId();
      Path loose = repo.objects().loosePath(blob);
      byte[] bytes = Files.readAllBytes(loose);
      bytes[123_456] ^= 0x10;
      loose.toFile().setWritable(true);
      Files.write(loose, bytes);

      Path out = work.resolve("out");
      assertThatThrownBy(() -> new Checkout(repo.objectDatabase()).checkout(r.root(), r.rootMeta(), out, null))
          .isInstanceOf(CorruptObjectException.class)
          .hasMessageContaining(blob.name())
          .hasMessageContaining(out.resolve("big").toString());
      assertThat(out).as("the checkout undone: no file at the damaged path, nor any other").doesNotExist();

      Files.delete(loose);
      Path out2 = work.resolve("out2");
      assertThatThrownBy(() -> new Checkout(repo.objectDatabase()).checkout(r.root(), r.rootMeta(), out2, null))
          .isInstanceOf(MissingObjectException.class)
          .hasMessageContaining(blob.name())
          .hasMessageContaining(out2.resolve("big").toString());
      assertThat(out2).doesNotExist();
    }
  }

  @Test
  void checkoutTargetMustBeEmptyOrAbsent() throws Exception {
    Path src = work.resolve("src");
    TestTrees.at(src).file("a", "a");
    Path full = work.resolve("full");
    TestTrees.at(full).file("existing", "keep me");
    Path file = work.resolve("plain-file");
    Files.writeString(file, "x");
    try (Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults())) {
      ImportResult r = new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults(), null);
      Checkout checkout = new Checkout(repo.objectDatabase());
      assertThatThrownBy(() -> checkout.checkout(r.root(), r.rootMeta(), full, null))
          .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(full + ": is not empty");
      assertThatThrownBy(() -> checkout.checkout(r.root(), r.rootMeta(), file, null))
          .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("not a directory");
      assertThat(TestTrees.names(full)).containsExactly("existing");
      assertThat(Files.readString(file)).isEqualTo("x");
      Path nested = work.resolve("new/nested/target");
      checkout.checkout(r.root(), r.rootMeta(), nested, null);
      assertThat(Files.readString(nested.resolve("a"))).isEqualTo("a");
    }
  }

  @Test
  void aTargetHoldingAStoppedCheckoutIsNamedAsSuch() throws Exception {
    Path src = work.resolve("src");
    TestTrees.at(src).file("a", "a");
    Path stopped = work.resolve("stopped");
    TestTrees.at(stopped).dir(".casfs-checkout-0123456789abcdef").file("a", "a");
    Path other = work.resolve("other");
    TestTrees.at(other).dir(".casfs-checkout-mine");
    try (Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults())) {
      ImportResult r = new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults(), null);
      Checkout checkout = new Checkout(repo.objectDatabase());
      assertThatThrownBy(() -> checkout.checkout(r.root(), r.rootMeta(), stopped, null))
          .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(stopped + ": holds a checkout that"
              + " stopped before it finished (killed, or the machine lost power): remove it (rm -rf " + stopped + ")");
      assertThatThrownBy(() -> checkout.checkout(r.root(), r.rootMeta(), other, null))
          .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(other + ": is not empty");
      assertThat(Checkout.isStoppedCheckout(work.resolve("missing"))).isFalse();
    }
  }

  @Test
  void aCheckoutOntoAFilesystemWithoutXattrsSaysSoAndIsUndone() throws Exception {
    Path src = work.resolve("src");
    TestTrees.at(src).file("a", "a").xattr("a", "user.color", "red".getBytes(StandardCharsets.UTF_8));
    try (Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults());
        Tmpfs ramfs = Tmpfs.ramfs(work.resolve("ramfs"))) {
      ImportResult r = new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults(), null);
      Path target = ramfs.dir().resolve("out");
      assertThatThrownBy(() -> new Checkout(repo.objectDatabase()).checkout(r.root(), r.rootMeta(), target, null))
          .hasMessageContaining("lsetxattr " + target.resolve("a") + " (user.color)")
          .hasMessageContaining("the filesystem there keeps no such extended attributes; check the version out onto"
              + " a Linux filesystem such as ext4, xfs or btrfs");
      assertThat(TestTrees.names(ramfs.dir())).isEmpty();
    }
  }

  /**
   * tmpfs keeps a 60 KB xattr, ext4 (without ea_inode) about 4 KiB a file: its ENOSPC is said as
   * that, where it read as a full disk and advised 'casfs gc'.
   */
  @Test
  void xattrsLargerThanTheTargetKeepsAreSaidSoNotAsAFullDisk() throws Exception {
    try (Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults());
        Tmpfs tmpfs = Tmpfs.mount(work.resolve("tmpfs"), "size=16m")) {
      Path src = tmpfs.dir().resolve("src");
      TestTrees.at(src).file("a", "a").xattr("a", "user.big", new byte[60_000]);
      ImportResult r = new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults(), null);
      Path target = work.resolve("out"); // on the disk of the temporary directory: ext4 here
      Throwable t = org.assertj.core.api.Assertions.catchThrowable(
          () -> new Checkout(repo.objectDatabase()).checkout(r.root(), r.rootMeta(), target, null));
      org.junit.jupiter.api.Assumptions.assumeTrue(t != null, "this filesystem keeps 60 KB xattrs (xfs, ext4 with ea_inode)");
      assertThat(t).hasMessageContaining("lsetxattr ").hasMessageContaining("(user.big)")
          .hasMessageContaining("the filesystem there has no room for the file's extended attributes: its disk is"
              + " full, or they are more than it keeps for one file (ext4 about 4 KiB");
      assertThat(Files.exists(target)).isFalse();
    }
  }

  @Test
  void importOfNonDirectoryIsRefused() throws Exception {
    Path file = work.resolve("f");
    Files.writeString(file, "x");
    try (Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults())) {
      assertThatThrownBy(() -> new Importer(repo.objectDatabase()).importDirectory(file, ImportOptions.defaults(), null))
          .hasMessageContaining(file + " is not a directory");
      assertThatThrownBy(() -> new Importer(repo.objectDatabase())
          .importDirectory(work.resolve("missing"), ImportOptions.defaults(), null))
          .hasMessageContaining("lstat " + work.resolve("missing")).hasMessageContaining("No such file");
    }
  }
}
