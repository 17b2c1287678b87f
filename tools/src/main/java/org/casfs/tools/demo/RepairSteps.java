package org.casfs.tools.demo;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The repair part of the demo: a flash cell fails under the laptop that took the update from the
 * USB stick. One bit of its database flips, every command that meets the damage fails, and
 * {@code casfs fsck --repair} from the stick salvages the database (rebuilt from every record that
 * can still be read) and fetches only what the damaged block held.
 */
final class RepairSteps {
  private RepairSteps() {}

  static List<DemoStep> steps() {
    return List.of(DemoStep.of("a flash cell fails under the laptop (one bit of its database flipped); fsck --repair"
        + " from the stick salvages the database and fetches only what the damaged block held", RepairSteps::repair));
  }

  private static void repair(DemoContext ctx) throws Exception {
    Path laptop = ctx.get(SyncSteps.LAPTOP);
    Path stick = ctx.get(SyncSteps.STICK);
    SyncSteps.cli(ctx, laptop, "status"); // its open writes the write-ahead log out as table files
    Path table = flipABitInTheFirstBlock(laptop.resolve("db"));
    ctx.say("flipped one bit in the first block of " + ctx.work().relativize(table) + ", the laptop's largest table");
    SyncSteps.cliFailing(ctx, laptop, "fsck");
    String out = SyncSteps.cli(ctx, laptop, "fsck", "--repair", stick.toString());
    SyncSteps.expect(out.contains("rebuilt it from every record that could still be read"),
        "fsck --repair did not salvage the laptop's database: " + out.strip());
    out.lines().filter(l -> l.startsWith("repaired: ") || l.contains("listed again")).forEach(ctx::say);
    SyncSteps.cli(ctx, laptop, "fsck");
  }

  /** The first data block of the largest table file (a table starts with its data blocks). */
  private static Path flipABitInTheFirstBlock(Path db) throws IOException {
    Path table;
    try (Stream<Path> files = Files.list(db)) {
      table = files.filter(p -> p.getFileName().toString().endsWith(".sst"))
          .max(Comparator.comparingLong(p -> p.toFile().length()))
          .orElseThrow(() -> new IOException("the laptop's database has no table file to damage"));
    }
    try (RandomAccessFile f = new RandomAccessFile(table.toFile(), "rw")) {
      f.seek(10);
      int b = f.read();
      f.seek(10);
      f.write(b ^ 0x04);
    }
    return table;
  }
}
