package org.casfs.cas.nativelib;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;

/**
 * jffi, under jnr-ffi and jnr-fuse, unpacks its stub library into the temp directory at every
 * start, under a new random name (a {@code SecureRandom} to seed first), loads it and deletes it:
 * ~20 ms of every command (async-profiler, `casfs log`), and a file left in /tmp by a process
 * killed meanwhile. {@link #useCachedCopy} points jffi at a copy in the per-user cache
 * ({@link UnpackedLibraries}) instead. If anything about that fails, or the jar holds no stub of
 * the version named here, jffi's own loader runs as before.
 */
public final class JffiStub {
  /** The stub's file name; jffi 1.3 and 1.4 both use stub version 1.2. */
  static final String FILE = "libjffi-1.2.so";
  private static final String PROPERTY = "jffi.boot.library.path";

  private JffiStub() {}

  /**
   * Sets {@code jffi.boot.library.path} to the cached copy's directory, unless it is set already.
   * Must run before jffi loads (before the first jnr-ffi binding is made); idempotent.
   */
  public static synchronized void useCachedCopy() {
    if (System.getProperty(PROPERTY) != null) {
      return;
    }
    try {
      URL url = JffiStub.class.getClassLoader().getResource("jni/" + platform() + "/" + FILE);
      if (url != null) {
        Path lib = UnpackedLibraries.unpacked(url, "jffi", FILE);
        System.setProperty(PROPERTY, lib.getParent().toString());
      }
    } catch (IOException | RuntimeException e) {
      // jffi unpacks its own copy, as it always did
    }
  }

  /** jffi's name for this platform's directory in its native jar, such as x86_64-Linux. */
  static String platform() {
    String arch = System.getProperty("os.arch", "");
    String cpu = switch (arch) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      default -> arch;
    };
    return cpu + "-Linux";
  }
}
