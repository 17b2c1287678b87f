package org.casfs.cas.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.rocksdb.Options;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileReader;

/** Damage done to a repository's RocksDB tables behind its back, as a failing flash cell does it. */
public final class DamagedTables {
  private DamagedTables() {}

  /**
   * Flips one bit in the middle of the largest table of the repository at {@code repo} (closed), where
   * a data block lies; returns that table. Opening the repository first writes its write-ahead log
   * out as a table, so that the records just written are in one.
   */
  public static Path damageLargest(Path repo) throws IOException {
    return damageLargest(repo, null);
  }

  /** As {@link #damageLargest(Path)}, among the tables of one key space (null: of any). */
  public static Path damageLargest(Path repo, String spaceOrNull) throws IOException {
    Repository.open(repo).close();
    Path table;
    try (Stream<Path> files = Files.list(repo.resolve("db"))) {
      table = files.filter(p -> p.getFileName().toString().endsWith(".sst"))
          .filter(p -> spaceOrNull == null || spaceOrNull.equals(spaceOf(p)))
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

  private static String spaceOf(Path table) {
    RocksNativeLibrary.load();
    try (Options options = new Options(); SstFileReader reader = new SstFileReader(options)) {
      reader.open(table.toString());
      return new String(reader.getTableProperties().getColumnFamilyName(), StandardCharsets.UTF_8);
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot read the properties of " + table, e);
    }
  }
}
