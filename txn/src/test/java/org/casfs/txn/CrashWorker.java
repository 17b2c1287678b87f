package org.casfs.txn;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.store.Repository;

/**
 * The child process of the crash test: runs transactions, commits, switches, rollbacks, imports
 * and gc in an endless loop until it is killed. Before and after every flip it appends a line to
 * a log (a write(2) per line, so a SIGKILL cannot lose it), which the {@link CrashHarness} reads
 * to know what {@code current} may be. Every file it writes holds a whole number of copies of one
 * line, so a torn file is detectable.
 *
 * <p>Usage: {@code CrashWorker REPO SOURCE_DIR SEED LOG}.
 */
public final class CrashWorker {
  private final Versions v;
  private final Path source;
  private final Random r;
  private final PrintStream log;
  private int counter;

  private CrashWorker(Versions v, Path source, Random r, PrintStream log) {
    this.v = v;
    this.source = source;
    this.r = r;
    this.log = log;
  }

  public static void main(String[] args) throws Exception {
    Path repoDir = Path.of(args[0]);
    Path source = Path.of(args[1]);
    long seed = Long.parseLong(args[2]);
    try (PrintStream log = new PrintStream(new FileOutputStream(args[3], true), true, StandardCharsets.UTF_8);
        Repository repo = Repository.open(repoDir)) {
      log.println("READY");
      new CrashWorker(Versions.of(repo), source, new Random(seed), log).loop();
    }
  }

  /** A file content that shows whether it is whole: {@code copies} times one line. */
  static byte[] content(String token, int copies) {
    return (token + "\n").repeat(copies).getBytes(StandardCharsets.UTF_8);
  }

  /** True if {@code bytes} is zero or more copies of one line. */
  static boolean whole(byte[] bytes) {
    if (bytes.length == 0) {
      return true;
    }
    String s = new String(bytes, StandardCharsets.UTF_8);
    int nl = s.indexOf('\n');
    if (nl < 0 || s.length() % (nl + 1) != 0) {
      return false;
    }
    return s.equals(s.substring(0, nl + 1).repeat(s.length() / (nl + 1)));
  }

  private byte[] randomContent() {
    return content("tok-" + Long.toHexString(r.nextLong()) + "-" + counter++, r.nextInt(3000));
  }

  private void loop() throws Exception {
    while (true) {
      Transaction open = v.transactions().openOrNull();
      if (open != null && open.importSource() != null) {
        log.println("BEGIN import-resume");
        finishImport();
        continue;
      }
      int a = r.nextInt(100);
      if (a < 45) {
        log.println("BEGIN txn");
        transaction(open);
      } else if (a < 60) {
        if (v.refs().previousOrNull() != null) {
          log.println("BEGIN rollback");
          ObjectId cur = v.refs().currentOrNull();
          log.println("FLIP " + cur + " " + v.refs().previousOrNull());
          v.rootPointer().rollback();
          log.println("FLIPPED");
        }
      } else if (a < 75) {
        log.println("BEGIN import");
        if (open != null) {
          open.abort();
        }
        Path f = source.resolve("s" + r.nextInt(8));
        Path tmp = source.resolve(".tmp");
        Files.write(tmp, randomContent());
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        finishImport();
      } else if (a < 85) {
        log.println("BEGIN gc");
        new RefGc(v).run(Set.of());
      } else {
        List<ObjectId> all = v.refs().versionsNewestFirst();
        if (!all.isEmpty()) {
          log.println("BEGIN switch");
          flip(all.get(r.nextInt(all.size())));
        }
      }
      log.println("END");
    }
  }

  private void finishImport() throws Exception {
    Imports.Outcome o = new Imports(v).run(source, "import-" + counter++, ImportOptions.defaults().withThreads(2), null);
    flip(o.manifest());
  }

  private void flip(ObjectId to) throws IOException {
    ObjectId cur = v.refs().currentOrNull();
    log.println("FLIP " + cur + " " + to);
    RefUpdate u = v.rootPointer().flip(cur, to, "crash test", Actor.COMMAND);
    if (u != RefUpdate.OK && u != RefUpdate.NO_CHANGE) {
      throw new IllegalStateException("flip to " + to + " gave " + u);
    }
    log.println("FLIPPED");
  }

  private void transaction(Transaction open) throws Exception {
    Transaction t = open != null ? open : v.transactions().begin(v.refs().currentOrNull());
    int ops = 1 + r.nextInt(6);
    for (int i = 0; i < ops; i++) {
      String dir = "/d" + r.nextInt(4);
      String file = dir + "/f" + r.nextInt(6);
      int kind = r.nextInt(10);
      if (kind < 6) {
        if (t.lookupOrNull(dir) == null) {
          t.mkdir(dir, 0755, 0, 0);
        } else if (!t.getattr(dir).isDirectory()) {
          continue;
        }
        if (t.lookupOrNull(file) == null) {
          t.createFile(file, 0644, 0, 0);
        }
        t.truncate(file, 0);
        t.write(file, 0, ByteBuffer.wrap(randomContent()));
      } else if (kind < 8) {
        if (t.lookupOrNull(file) != null && !t.getattr(file).isDirectory()) {
          t.unlink(file);
          if (r.nextBoolean()) {
            t.sync(); // the unlinked file's data goes now: a kill here must not take a named file's
          }
        }
      } else {
        String to = "/d" + r.nextInt(4);
        if (t.lookupOrNull(dir) != null && t.lookupOrNull(to) == null) {
          t.rename(dir, to);
        }
      }
    }
    if (r.nextInt(4) == 0) {
      log.println("LEFT_OPEN");
      return;
    }
    CommitResult c = t.commit("c" + counter++);
    flip(c.manifest());
  }
}
