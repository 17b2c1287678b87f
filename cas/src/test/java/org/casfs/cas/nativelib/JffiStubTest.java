package org.casfs.cas.nativelib;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.posix.Posix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jffi's stub is loaded from the per-user cache, not unpacked into the temp directory. */
class JffiStubTest {
  @TempDir
  Path work;

  @Test
  void aJvmThatBindsLibcLoadsTheStubFromTheCache() throws Exception {
    Path tmp = Files.createDirectory(work.resolve("tmp"));
    Path cache = Files.createDirectory(work.resolve("cache"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=" + tmp,
        "-cp", System.getProperty("java.class.path"), Child.class.getName())
        .redirectErrorStream(true);
    pb.environment().put("XDG_CACHE_HOME", cache.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    String dir = out.lines().filter(l -> l.startsWith("jffi.boot.library.path: ")).findFirst().orElseThrow()
        .substring("jffi.boot.library.path: ".length());
    assertThat(dir).as(out).startsWith(cache.resolve("casfs") + "/jffi-");
    assertThat(Path.of(dir).resolve(JffiStub.FILE)).isRegularFile();
  }

  /** Binds libc (as every casfs command does) and says where jffi was pointed. */
  public static final class Child {
    public static void main(String[] args) {
      Posix.printable(new byte[0]);
      System.out.println("jffi.boot.library.path: " + System.getProperty("jffi.boot.library.path"));
    }
  }
}
