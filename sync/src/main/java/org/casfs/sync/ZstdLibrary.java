package org.casfs.sync;

import com.github.luben.zstd.util.Native;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import org.casfs.cas.nativelib.UnpackedLibraries;

/**
 * Loads zstd-jni's native library from the per-user cache ({@link UnpackedLibraries}). zstd-jni's
 * own loader unpacks its 900 KB library into the temp directory in every process: 35–48 ms of a
 * cold JVM, inside the pull's time when the fetch stream's first bytes arrive (measured; see
 * docs/BENCHMARKS.md). Safe to call from any thread at any time: under zstd-jni's own lock, a
 * library already loaded is left alone, and if the cache fails, zstd-jni's loader runs.
 */
public final class ZstdLibrary {
  private ZstdLibrary() {}

  public static void load() {
    synchronized (Native.class) {
      if (Native.isLoaded()) {
        return;
      }
      try {
        // Where zstd-jni keeps it in its jar: linux/amd64/libzstd-jni-1.5.7-28.so
        String file = "libzstd-jni-" + Native.class.getPackage().getImplementationVersion() + ".so";
        URL url = Native.class.getClassLoader().getResource("linux/" + System.getProperty("os.arch") + "/" + file);
        if (url != null) {
          Path lib = UnpackedLibraries.unpacked(url, "zstd-jni", file);
          System.load(lib.toString());
          Native.assumeLoaded();
          return;
        }
      } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
        // zstd-jni's own loader below
      }
      Native.load();
    }
  }
}
