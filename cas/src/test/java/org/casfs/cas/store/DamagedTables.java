package org.casfs.cas.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Damage done to a repository's RocksDB tables behind its back, as a failing flash cell does it. */
public final class DamagedTables {
  private DamagedTables() {}

  /**
   * Flips one bit in the middle of the largest table of the repository at {@code repo} (closed), where
   * a data block lies; returns that table. Opening the repository first writes its write-ahead log
   * out as a table, so that the records just written are in one.
   */
  public static Path damageLargest(Path repo) throws IOException {
    Repository.open(repo).close();
    Path table;
    try (Stream<Path> files = Files.list(repo.resolve("db"))) {
      table = files.filter(p -> p.getFileName().toString().endsWith(".sst"))
          .max(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
    }
    long at = Files.size(table) / 2;
    try (RandomAccessFile raf = new RandomAccessFile(table.toFile(), "rw")) {
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0x40);
    }
    return table;
  }
}
