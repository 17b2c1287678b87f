package org.casfs.cas.nativelib;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/** A library in a jar is unpacked once into the per-user cache, and again only when it differs. */
class UnpackedLibrariesTest {
  @TempDir Path cache;

  @Test
  void unpacksOnceIntoAPrivateDirectoryAndReplacesAFileOfAnotherSize() throws Exception {
    URL inJar = RocksDB.class.getClassLoader().getResource(Environment.getJniLibraryFileName("rocksdb"));
    assertThat(inJar).as("RocksDB's jar carries its library").isNotNull();
    long size = inJar.openConnection().getContentLengthLong();

    Path lib = UnpackedLibraries.unpacked(cache, inJar, "test", "libtest.so");
    assertThat(lib.getParent().getParent()).isEqualTo(cache.resolve("casfs"));
    assertThat(lib.getParent().getFileName().toString()).startsWith("test-");
    assertThat(Files.size(lib)).isEqualTo(size);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lib.getParent()))).isEqualTo("rwx------");

    FileTime first = FileTime.fromMillis(1_000_000L);
    Files.setLastModifiedTime(lib, first);
    assertThat(UnpackedLibraries.unpacked(cache, inJar, "test", "libtest.so")).isEqualTo(lib);
    assertThat(Files.getLastModifiedTime(lib)).as("a complete copy is used as it is").isEqualTo(first);

    Files.write(lib, new byte[] {1, 2, 3}); // a copy cut short (a full disk, a crash before the rename)
    UnpackedLibraries.unpacked(cache, inJar, "test", "libtest.so");
    assertThat(Files.size(lib)).isEqualTo(size);
    try (var files = Files.list(lib.getParent())) {
      assertThat(files.count()).as("no temporary file left").isEqualTo(1);
    }
  }
}
