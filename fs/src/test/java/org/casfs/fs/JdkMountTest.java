package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JDK imported and mounted runs from the mount (mmap of libjvm.so, exec, class data sharing). */
class JdkMountTest {
  @TempDir Path tmp;

  @Test
  void javaRunsFromTheMount() throws Exception {
    Path jdk = Path.of(System.getProperty("java.home")).toRealPath();
    assumeTrue(Files.isExecutable(jdk.resolve("bin/java")), "no JDK at " + jdk);
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId v = m.importDir(jdk);
      m.mount(v, MountOptions.defaults());
      String out = ReadOnlyMountTest.run(m.mountPoint.resolve("bin/java").toString(), "-version");
      assertThat(out).contains("version \"" + Runtime.version().feature());
      assertThat(m.log).isEmpty();
    }
  }
}
