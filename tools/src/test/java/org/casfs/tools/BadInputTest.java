package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad input to the commands, run in-process: each gives exactly one line on stderr of the form
 * "casfs: what failed; what to do", its own exit code, and leaves the repository as it was.
 */
class BadInputTest {
  @TempDir Path tmp;
  Path repo;
  Path src;
  CliRunner cli;

  @BeforeEach
  void repoWithOneVersion() throws Exception {
    repo = tmp.resolve("repo");
    src = TestTreeFiles.write(tmp.resolve("src"), 1);
    cli = CliRunner.forRepo(repo);
    assertThat(cli.run("init").code()).isZero();
    CliRunner.Result r = cli.run("import", src.toString(), "--label", "v1", "--switch");
    assertThat(r.code()).as(r.toString()).isZero();
  }

  static void assertOneLine(CliRunner.Result r, int code, String... fragments) {
    assertThat(r.code()).as(r.toString()).isEqualTo(code);
    assertThat(r.err()).as(r.toString()).startsWith("casfs: ").endsWith("\n").hasLineCount(1).contains("; ")
        .contains(fragments).doesNotContain("Exception", "\tat ");
  }

  @Test
  void aPathThatIsNotARepositoryIsExit3() throws Exception {
    Path notRepo = Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(notRepo.resolve("notes.txt"), "hello");
    String before = RepoFingerprint.of(notRepo);
    for (List<String> args : List.of(List.of("ls", "current"), List.of("import", src.toString()),
        List.of("fsck"), List.of("gc"), List.of("log"))) {
      CliRunner.Result r = CliRunner.forRepo(notRepo).run(args.toArray(String[]::new));
      assertOneLine(r, 3, notRepo.toString(), "is not a casfs repository", "casfs init");
    }
    assertThat(RepoFingerprint.of(notRepo)).isEqualTo(before);
    assertOneLine(CliRunner.forRepo(tmp.resolve("absent")).run("log"), 3, "absent");
    assertThat(tmp.resolve("absent")).doesNotExist();
  }

  @Test
  void initOverAnExistingRepositoryIsExit3() throws Exception {
    String before = RepoFingerprint.of(repo);
    assertOneLine(cli.run("init"), 3, repo.toString(), "already a casfs repository");
    assertThat(RepoFingerprint.of(repo)).isEqualTo(before);
  }

  @Test
  void noRepositoryGivenAndUnknownOptionsAreExit2() {
    assertOneLine(new CliRunner().run("log"), 2, "pass --repo DIR or set CASFS_REPO");
    assertOneLine(cli.run("ls", "v1", "--bogus"), 2, "Unknown option: '--bogus'", "casfs ls --help");
    assertOneLine(cli.run("checkout", "v1"), 2, "Missing required parameter", "casfs checkout --help");
    assertOneLine(cli.run("frobnicate"), 2, "frobnicate");
    assertOneLine(cli.run("init", "--channel", "no spaces"), 2, "bad channel name");
  }

  @Test
  void aRepositoryHeldByAnotherProcessIsExit6() throws Exception {
    String before = RepoFingerprint.of(repo);
    Process holder = HoldRepository.start(repo);
    try {
      String pid = Long.toString(holder.pid());
      assertOneLine(cli.run("import", src.toString(), "--switch"), 6, "in use by process " + pid);
      // The holder is named as its user would know it, not by pid alone.
      assertOneLine(cli.run("ls", "current"), 6, repo.toString(), pid + " (HoldRepository " + repo + ")");
      assertOneLine(cli.run("gc"), 6, pid);
    } finally {
      HoldRepository.release(holder);
    }
    assertThat(holder.exitValue()).isZero();
    assertThat(RepoFingerprint.of(repo)).isEqualTo(before);
  }

  @Test
  void anUnreadableFileDuringImportIsExit5AndAddsNothing() throws Exception {
    assumeFalse(TestTreeFiles.isRoot(), "root reads any file; LauncherTest covers this with DAC capabilities dropped");
    Path src2 = TestTreeFiles.write(tmp.resolve("src2"), 2);
    Path secret = src2.resolve("etc/zz-secret");
    Files.writeString(secret, "s");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
    String before = RepoFingerprint.of(repo);
    assertOneLine(cli.run("import", src2.toString(), "--switch"), 5, secret.toString());
    assertThat(RepoFingerprint.of(repo)).isEqualTo(before);
  }

  @Test
  void aCheckoutTargetThatIsNotEmptyIsExit2AndUntouched() throws Exception {
    Path target = Files.createDirectories(tmp.resolve("target"));
    Files.writeString(target.resolve("keep.txt"), "mine");
    String repoBefore = RepoFingerprint.of(repo);
    String targetBefore = RepoFingerprint.of(target);
    assertOneLine(cli.run("checkout", "v1", target.toString()), 2, target.toString(), "is not empty");
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    assertOneLine(cli.run("checkout", "v1", file.toString()), 2, "is not a directory");
    assertThat(RepoFingerprint.of(target)).isEqualTo(targetBefore);
    assertThat(RepoFingerprint.of(repo)).isEqualTo(repoBefore);
  }

  @Test
  void anUnknownVersionIsExit2() throws Exception {
    String before = RepoFingerprint.of(repo);
    Path target = tmp.resolve("co");
    assertOneLine(cli.run("checkout", "v9", target.toString()), 2, "unknown version 'v9'", "casfs log");
    assertThat(target).doesNotExist();
    assertOneLine(cli.run("cat", "v1~1", "etc/hostname"), 2, "has no parent");
    assertOneLine(cli.run("diff", "v1", "nope"), 2, "nope");
    assertOneLine(cli.run("ls", "v1", "/no/such/dir"), 2, "no path '/no/such/dir'");
    assertOneLine(cli.run("import", tmp.resolve("missing").toString()), 2, "does not exist");
    assertOneLine(cli.run("import", tmp.toString()), 2, "is inside " + tmp, "copy the store into itself");
    assertOneLine(cli.run("import", src.toString(), "--exclude", "no/such"), 2, "--exclude no/such",
        "does not exist");
    assertOneLine(cli.run("import", src.toString(), "--exclude", "../repo"), 2, "is not a path under " + src);
    Files.createSymbolicLink(tmp.resolve("via-link"), src);
    assertOneLine(cli.run("import", tmp.toString(), "--exclude", "repo", "--exclude", "via-link/etc"), 2,
        "is a symbolic link, which the import does not follow");
    assertThat(RepoFingerprint.of(repo)).isEqualTo(before);
  }

  @Test
  void signingWithoutAKeyIsExit5AndSaysHowToMakeOne() throws Exception {
    Path absent = tmp.resolve("keys/signing.key");
    String before = RepoFingerprint.of(repo);
    assertOneLine(cli.env("CASFS_KEY", absent.toString()).run("sign", "v1"), 5,
        "no signing key at " + absent, "casfs keygen");
    assertThat(RepoFingerprint.of(repo)).isEqualTo(before);
  }

  @Test
  void aPortThatIsTakenIsExit5AndNamed() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String port = Integer.toString(taken.getLocalPort());
      String said = "cannot listen on 127.0.0.1 port " + port + ": Address already in use";
      assertOneLine(cli.run("serve", "--bind", "127.0.0.1", "--port", port), 5, said, "choose another");
      assertOneLine(cli.run("peer", "--bind", "127.0.0.1", "--port", port, "--mdns", "none"), 5, said);
    }
  }

  @Test
  void aSourceThatCannotBeReachedIsExit5AndSaysWhatToCheck() throws Exception {
    String before = RepoFingerprint.of(repo);
    int free;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      free = s.getLocalPort(); // closed again: nothing listens there
    }
    assertOneLine(cli.run("pull", "http://127.0.0.1:" + free + "/"), 5, "no acceptable version: http://127.0.0.1:"
        + free + ": connection refused; is casfs serve or casfs peer running at that address and port?");
    assertOneLine(cli.run("pull", "ftp://mirror.example/"), 2,
        "ftp://mirror.example/: casfs pulls over http:// or https://, or from a folder written by 'casfs mirror'");
    // A pull makes its (empty) delta staging directories before it starts; nothing else changed.
    assertThat(RepoFingerprint.of(repo).replaceAll("(?m)^other staging/[a-z-]+ 40755\n", "")).isEqualTo(before);
  }

  /**
   * A URL that cannot name a source is bad usage, said with the URL: a port out of range was
   * "internal error ... IllegalArgumentException: port out of range", exit 1; a port that is no
   * number, or no host, exit 5 with the advice for a full disk; {@code peer --peers notaurl} said
   * "hostname can't be null".
   */
  @Test
  void aMalformedUrlIsExit2AndNamed() throws Exception {
    String before = RepoFingerprint.of(repo);
    for (String[] bad : new String[][] {
        {"http://127.0.0.1:99999", "the port 99999 is out of range (1 to 65535)"},
        {"http://127.0.0.1:-5", "the port '-5' is not a number"},
        {"http://127.0.0.1:80x", "the port '80x' is not a number"},
        {"http://127.0.0.1:0/", "the port 0 is out of range"},
        {"http:///x", "names no host"}}) {
      String url = bad[0];
      for (List<String> args : List.of(List.of("pull", url), List.of("fsck", "--repair", url),
          List.of("peer", "--peers", "http://127.0.0.1:7420," + url, "--mdns", "none"))) {
        CliRunner.Result r = cli.run(args.toArray(String[]::new));
        assertOneLine(r, 2, "'" + url + "'", bad[1], "give it as http://HOST:PORT");
        assertThat(r.err()).as(r.toString()).doesNotContain("disk", "internal error");
      }
    }
    assertOneLine(cli.run("peer", "--peers", "notaurl", "--mdns", "none"), 2,
        "--peers", "'notaurl' is not an http:// or https:// URL");
    assertThat(RepoFingerprint.of(repo)).isEqualTo(before);
  }

  /** Nothing signed, nothing to mirror: a step left out (exit 2), not an I/O failure (was exit 5). */
  @Test
  void aMirrorOfARepositoryThatOffersNothingIsExit2() throws Exception {
    String before = RepoFingerprint.of(repo);
    Path stick = tmp.resolve("mirE");
    assertOneLine(cli.run("mirror", stick.toString()), 2, "offers no signed version", stick.toString(),
        "run 'casfs sign VERSION' first");
    assertThat(stick).doesNotExist();
    assertThat(RepoFingerprint.of(repo)).isEqualTo(before);
  }

  /**
   * Small things the one line got wrong: an unknown option was hidden behind "Missing required
   * parameter: 'DIR'"; a key given as a directory was "readable by others" (a directory's mode); a
   * stray argument that is not UTF-8 was printed '?' instead of escaped as paths are.
   */
  @Test
  void theOneLineSaysWhatIsWrongFirst() throws Exception {
    String before = RepoFingerprint.of(repo);
    assertOneLine(cli.run("import", "--repo", repo.toString(), "--bogus"), 2, "Unknown option: '--bogus'",
        "casfs import --help");
    Path keys = Files.createDirectories(tmp.resolve("keys"));
    Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertOneLine(cli.run("sign", "v1", "--key", keys.toString()), 2, "the signing key " + keys + " is a directory",
        "give the key file to read");
    assertOneLine(cli.run("keygen", "--key", keys.toString()), 2, keys + " is a directory", "to write");
    CliRunner.Result stray = cli.run("diff", "v1", "v1", "caf\udce9");
    assertOneLine(stray, 2, "'caf\\xe9'");
    assertThat(stray.err()).doesNotContain("?");
    assertThat(RepoFingerprint.of(repo)).isEqualTo(before);
  }

  @Test
  void theDefaultKeyIsUnderTheCallersHomeAndARelativeCasfsKeyUnderItsDirectory() throws Exception {
    Path home = tmp.resolve("home");
    CliRunner.Result made = cli.env("HOME", home.toString()).run("keygen");
    assertThat(made.code()).as(made.toString()).isZero();
    assertThat(home.resolve(".casfs/signing.key")).exists();
    assertThat(cli.run("sign", "v1").code()).as("sign finds it there").isZero();
    Path relative = Path.of("relative-" + ProcessHandle.current().pid() + ".key");
    assertThat(cli.env("CASFS_KEY", relative.toString()).run("sign", "v1").err())
        .contains("no signing key at " + Path.of("").toAbsolutePath().resolve(relative));
  }

  @Test
  void aRepairFromASourceThatIsDownSaysSoOnceAndWhatToDo() throws Exception {
    String show = cli.run("show", "v1", "bin/big.bin").out();
    String blob = show.lines().filter(l -> l.startsWith("blob ")).findFirst().orElseThrow().substring(10, 50);
    Files.delete(repo.resolve("objects").resolve(blob.substring(0, 2)).resolve(blob.substring(2)));
    int free;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      free = s.getLocalPort();
    }
    CliRunner.Result r = cli.run("fsck", "--repair", "http://127.0.0.1:" + free + "/");
    assertOneLine(r, 5, "could not repair version ", "1 blobs still missing after trying every source: http://127.0.0.1:"
        + free + ": connection refused; is casfs serve or casfs peer running",
        "; repair from another source (a server, a peer, a good copy of the mirror)");
    assertThat(r.err().split("connection refused", -1)).as("each failure once").hasSize(2);
  }

  @Test
  void aRateThatIsNotOneIsExit2() {
    assertOneLine(cli.run("serve", "--max-rate", "fast"), 2, "'fast' is not a rate", "500k or 2M");
    assertOneLine(cli.run("peer", "--max-upload-rate", "10"), 2, "'10' is out of range");
    assertOneLine(cli.run("pull", "http://127.0.0.1:9/", "--limit-rate", "500"), 2,
        "'500' is out of range; give 1k to 1024G bytes a second");
  }

  enum Damage { FLIP_A_BIT, TRUNCATE, DELETE }

  @ParameterizedTest
  @EnumSource(Damage.class)
  void aDamagedBlobIsExit4AndNoWrongByteIsWritten(Damage damage) throws Exception {
    String show = cli.run("show", "v1", "bin/big.bin").out();
    String blob = show.lines().filter(l -> l.startsWith("blob ")).findFirst().orElseThrow().substring(10, 50);
    Path loose = repo.resolve("objects").resolve(blob.substring(0, 2)).resolve(blob.substring(2));
    assertThat(loose).exists();
    byte[] bytes = Files.readAllBytes(loose);
    Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
    switch (damage) {
      case FLIP_A_BIT -> {
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(loose, bytes);
      }
      case TRUNCATE -> Files.write(loose, java.util.Arrays.copyOf(bytes, bytes.length - 1000));
      case DELETE -> Files.delete(loose);
    }

    CliRunner.Result cat = cli.run("cat", "v1", "bin/big.bin");
    assertOneLine(cat, 4, blob);
    assertThat(cat.stdout()).isEmpty();

    Path target = tmp.resolve("co");
    assertOneLine(cli.run("checkout", "v1", target.toString()), 4, blob,
        "checkout of v1 stopped and was undone (" + target + " is as it was)");
    assertThat(target).as("the files written before the damaged one are removed").doesNotExist();

    CliRunner.Result fsck = cli.run("fsck");
    assertOneLine(fsck, 4, "fsck found 1 damaged or missing object");
    assertThat(fsck.out()).contains("blob " + blob + " at /bin/big.bin");
    // The other files are fine.
    assertThat(cli.run("cat", "v1", "etc/hostname").out()).isEqualTo("laptop-1\n");
  }

  /**
   * A block of the database that fails RocksDB's checksum (a flipped bit on disk) is a damaged
   * repository, exit 4, never "in use by another process" (exit 6: RocksDB's word "block" once
   * passed for its lock).
   */
  @Test
  void aDatabaseBlockThatFailsItsChecksumIsExit4() throws Exception {
    flushDatabase(repo.resolve("db")); // every key space into table files, as a repository in use has them
    List<Path> tables;
    try (var files = Files.list(repo.resolve("db"))) {
      tables = files.filter(f -> f.getFileName().toString().endsWith(".sst")).toList();
    }
    assertThat(tables).isNotEmpty();
    for (Path table : tables) { // the first data block of each
      byte[] bytes = Files.readAllBytes(table);
      bytes[10] ^= 0x01;
      Files.write(table, bytes);
    }
    for (List<String> args : List.of(List.of("log"), List.of("fsck"), List.of("cat", "v1", "etc/hostname"))) {
      assertOneLine(cli.run(args.toArray(String[]::new)), 4, "the repository's database is damaged",
          "Corruption", "casfs fsck --repair URL", "casfs fsck --salvage");
    }
  }

  /**
   * A database whose list of contents is gone (CURRENT or MANIFEST deleted) is exit 4, not bad
   * usage; a lost CURRENT is salvaged (written again), a lost MANIFEST is beyond that.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"CURRENT", "MANIFEST-"})
  void aDatabaseThatNoLongerListsItsContentsIsExit4(String file) throws Exception {
    try (var files = Files.list(repo.resolve("db"))) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith(file)).toList()) {
        Files.delete(f);
      }
    }
    if (file.equals("CURRENT")) { // the newest MANIFEST is there to name again
      assertOneLine(cli.run("log"), 4, "the repository's database is damaged", "CURRENT file", "casfs fsck --salvage");
      assertThat(cli.run("fsck", "--salvage").code()).isZero();
      assertThat(cli.run("log").code()).isZero();
    } else {
      assertOneLine(cli.run("log"), 4, "the repository's database is damaged beyond salvage", "MANIFEST file",
          "make a new one");
    }
  }

  private static void flushDatabase(Path db) throws Exception {
    try (org.rocksdb.Options listing = new org.rocksdb.Options(); org.rocksdb.DBOptions options = new org.rocksdb.DBOptions();
        org.rocksdb.FlushOptions flush = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
      List<org.rocksdb.ColumnFamilyDescriptor> spaces = org.rocksdb.RocksDB.listColumnFamilies(listing, db.toString())
          .stream().map(org.rocksdb.ColumnFamilyDescriptor::new).toList();
      List<org.rocksdb.ColumnFamilyHandle> handles = new java.util.ArrayList<>();
      try (org.rocksdb.RocksDB rocks = org.rocksdb.RocksDB.open(options, db.toString(), spaces, handles)) {
        rocks.flush(flush, handles);
        handles.forEach(org.rocksdb.ColumnFamilyHandle::close);
      }
    }
  }
}
