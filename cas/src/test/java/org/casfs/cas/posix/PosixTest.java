package org.casfs.cas.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.casfs.cas.io.ScratchDir;
import org.casfs.cas.io.TestTrees;
import org.casfs.cas.io.TreeListing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The libc layer against what coreutils say of the same paths. */
class PosixTest {
  private ScratchDir work;
  private byte[] dir;

  @BeforeEach
  void setUp() throws Exception {
    work = new ScratchDir("casfs-posix");
    dir = Posix.bytes(work.path());
  }

  @AfterEach
  void tearDown() throws Exception {
    work.close();
  }

  private String stat(String format, String rel) throws Exception {
    return new String(TreeListing.run(work.path(), "stat", "--format=" + format, rel), StandardCharsets.UTF_8).strip();
  }

  @Test
  void namesThatAreNotUtf8SurviveListingCreatingAndOpening() throws Exception {
    byte[] name = {'n', (byte) 0xff, (byte) 0xc0, '\n', 'x'};
    TestTrees.at(work.path()).file(name, "content".getBytes(StandardCharsets.US_ASCII));
    List<byte[]> names = Posix.list(dir);
    assertThat(names).hasSize(1);
    assertThat(names.get(0)).isEqualTo(name);
    byte[] path = Posix.join(dir, name);
    int fd = Posix.openRead(path);
    byte[] buf = new byte[100];
    int n = Posix.read(fd, buf, 0, buf.length, path);
    Posix.close(fd, path);
    assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("content");
    // ls agrees there is exactly that name (escaped by ls -b).
    String ls = new String(TreeListing.run(work.path(), "ls", "-b"), StandardCharsets.UTF_8).strip();
    assertThat(ls).isEqualTo("n\\377\\300\\nx");
  }

  @Test
  void lstatAgreesWithStat() throws Exception {
    TestTrees t = TestTrees.at(work.path()).file("f", "12345").chown("f", 4321, 8765).chmod("f", 04751)
        .mtime("f", 1_234_567_890_987_654_321L).charDevice("dev", 300, 70000).symlink("l", "f").hardlink("f", "h");
    FileStat st = Posix.lstat(t.path("f"));
    assertThat(st.isRegular()).isTrue();
    assertThat(Integer.toOctalString(st.mode())).isEqualTo("104751");
    assertThat(st.uid() + " " + st.gid() + " " + st.size() + " " + st.ino() + " " + st.nlink())
        .isEqualTo(stat("%u %g %s %i %h", "f"));
    assertThat(st.mtimeNanos()).isEqualTo(1_234_567_890_987_654_321L);
    assertThat(Long.toString(st.dev())).isEqualTo(stat("%d", "f"));
    FileStat dev = Posix.lstat(t.path("dev"));
    assertThat(Long.toHexString(dev.rdev() >>> 8 & 0xfff | dev.rdev() >>> 32 & ~0xfffL) + " "
        + Long.toHexString(dev.rdev() & 0xff | dev.rdev() >>> 12 & ~0xffL)).isEqualTo(stat("%t %T", "dev"));
    assertThat(Posix.lstat(t.path("l")).isSymlink()).isTrue();
    assertThat(Posix.readlink(t.path("l"))).isEqualTo(new byte[] {'f'});
    assertThat(Posix.lstatOrNull(t.path("missing"))).isNull();
  }

  @Test
  void xattrsOfEveryNamespaceAndErrorsNameThePath() throws Exception {
    TestTrees t = TestTrees.at(work.path()).file("f", "x").xattr("f", "user.a", new byte[] {1})
        .xattr("f", "trusted.b", new byte[0]).xattr("f", "security.capability", TestTrees.CAP_NET_RAW)
        .symlink("l", "f");
    assertThat(Posix.readXattrs(t.path("f"))).containsOnlyKeys("user.a", "trusted.b", "security.capability");
    assertThat(Posix.readXattrs(t.path("l"))).isEmpty();
    assertThatThrownBy(() -> Posix.setXattr(t.path("l"), "user.x", new byte[] {1}))
        .isInstanceOf(PosixException.class)
        .hasMessageContaining("lsetxattr " + work.resolve("l") + " (user.x)");
    assertThatThrownBy(() -> Posix.readXattrs(t.path("gone")))
        .hasMessageContaining("llistxattr " + work.resolve("gone")).hasMessageContaining("No such file");
  }

  @Test
  void mtimeOfSymlinkIsSetWithoutFollowing() throws Exception {
    TestTrees t = TestTrees.at(work.path()).file("target", "t").mtime("target", 5_000_000_000L).symlink("l", "target");
    Posix.setMtime(t.path("l"), 7_000_000_123L);
    assertThat(Posix.lstat(t.path("l")).mtimeNanos()).isEqualTo(7_000_000_123L);
    assertThat(Posix.lstat(t.path("target")).mtimeNanos()).isEqualTo(5_000_000_000L);
    assertThat(stat("%.9Y", "l")).isEqualTo("7.000000123");
  }

  @Test
  void startingWriteBackIsOnlyAHintThatChangesNothing() throws Exception {
    java.nio.file.Path f = work.path().resolve("written");
    byte[] bytes = "written just before a batch's syncfs".getBytes(StandardCharsets.UTF_8);
    int fd = Posix.createNew(Posix.bytes(f), 0644);
    Posix.writeFully(fd, bytes, 0, bytes.length, Posix.bytes(f));
    Posix.startWriteBack(fd);
    Posix.close(fd, Posix.bytes(f));
    Posix.startWriteBack(-1); // not a descriptor: ignored
    assertThat(java.nio.file.Files.readAllBytes(f)).isEqualTo(bytes);
  }

  @Test
  void renameAndLinkErrorsNameBothPaths() throws Exception {
    TestTrees t = TestTrees.at(work.path()).file("f", "x");
    Posix.rename(t.path("f"), t.path("g"));
    assertThat(work.path().resolve("g")).hasContent("x");
    assertThatThrownBy(() -> Posix.rename(t.path("f"), t.path("h")))
        .isInstanceOf(PosixException.class)
        .hasMessageContaining("rename to " + work.resolve("h") + " from " + work.resolve("f"))
        .hasMessageContaining("No such file");
    assertThatThrownBy(() -> Posix.link(t.path("g"), t.path("g")))
        .hasMessageContaining("link to " + work.resolve("g") + " at " + work.resolve("g"))
        .hasMessageContaining("File exists");
  }

  @Test
  void joinAndPrintable() {
    assertThat(new String(Posix.join("/a/".getBytes(), "b".getBytes()))).isEqualTo("/a/b");
    assertThat(Posix.printable(new byte[] {'a', '\n', (byte) 0xff})).isEqualTo("a\\x0a\\xff");
    // a C1 control (U+009B, CSI) is escaped as its two UTF-8 bytes; other letters stay letters
    assertThat(Posix.printable("\u00e9\u009b31m".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isEqualTo("\u00e9\\xc2\\x9b31m");
  }

  /**
   * ext4 and tmpfs keep times until 2446 and beyond; nanoseconds in a long end in 2262. Such a time
   * is refused, naming the file and the time, where it once wrapped to 1715.
   */
  @Test
  void aTimeBeyond2262IsRefusedNotWrapped() throws Exception {
    TestTrees t = TestTrees.at(work.path()).file("f", "x");
    TreeListing.run(work.path(), "touch", "-d", "2300-01-01T00:00:00Z", "f"); // Java's FileTime stops at 2262
    assertThatThrownBy(() -> Posix.lstat(t.path("f")))
        .isInstanceOfSatisfying(PosixException.class, e -> assertThat(e.errno()).isEqualTo(Posix.EOVERFLOW))
        .hasMessage("lstat " + work.path().resolve("f") + ": its modification time (2300-01-01T00:00:00Z) is outside"
            + " what casfs records (1677-09-21 to 2262-04-11) (errno 75); give it a time in that range (touch -h -d)"
            + " and try again");
  }
}
