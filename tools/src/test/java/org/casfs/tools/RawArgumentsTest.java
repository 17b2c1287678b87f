package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.casfs.cas.posix.Cmdline;
import org.junit.jupiter.api.Test;

class RawArgumentsTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void theCommandLinesLastEntriesReplaceWhatTheJvmDecoded() {
    byte[] cmdline = b("java\0-Xmx1g\0org.casfs.tools.Casfs\0cat\0current\0caf\u00e9\0d\u00c3\u00a9j\u00c3\u00a0\0");
    List<byte[]> raw = Cmdline.split(cmdline);
    assertThat(raw).hasSize(7);
    // as the JVM decodes them under the POSIX locale: each byte beyond ASCII a U+FFFD
    String[] jvm = {"cat", "current", "caf\ufffd", "d\ufffd\ufffdj\ufffd\ufffd"};
    assertThat(RawArguments.matched(jvm, raw)).containsExactly("cat", "current", "caf\udce9", "déjà");
  }

  @Test
  void argumentsThatAreNotTheCommandLinesEndAreKeptAsGiven() {
    List<byte[]> raw = Cmdline.split(b("java\0@argfile\0"));
    String[] fromArgFile = {"cat", "current", "etc/hostname"};
    assertThat(RawArguments.matched(fromArgFile, raw)).isSameAs(fromArgFile);
    String[] other = {"current", "x"};
    assertThat(RawArguments.matched(other, Cmdline.split(b("java\0Casfs\0current\0y\0")))).isSameAs(other);
    assertThat(Cmdline.split(b("no-trailing-nul"))).hasSize(1);
  }

  /** CASFS_REPO=$'X\xff' reached the JVM as "X\ufffd", a real directory's name, which init made. */
  @Test
  void theEnvironmentsBytesReplaceWhatTheJvmDecoded() {
    List<byte[]> raw = Cmdline.split(b("HOME=/home/ada\0CASFS_REPO=X\u00ff\0LATER=old\0NOTE=a=b\0"));
    java.util.Map<String, String> jvm = java.util.Map.of("HOME", "/home/ada", "CASFS_REPO", "X\ufffd",
        "LATER", "set since", "NOTE", "a=b");
    assertThat(RawArguments.matchedEnvironment(jvm, raw)).isEqualTo(java.util.Map.of("HOME", "/home/ada",
        "CASFS_REPO", "X\udcff", "LATER", "set since", "NOTE", "a=b"));
  }
}
