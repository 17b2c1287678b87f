package org.casfs.cas.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.Entry;
import org.casfs.cas.EntryType;
import org.casfs.cas.Hashes;
import org.casfs.cas.Metadata;
import org.casfs.cas.MissingObjectException;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Tree;
import org.casfs.cas.posix.FileStat;
import org.casfs.cas.posix.HoleWriter;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.posix.PosixException;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.WrittenFilePages;

/**
 * One checkout: a single thread walks the trees, making directories, symlinks and special files
 * and handing regular files (and hardlink groups) to bounded workers; then hardlinks are made and
 * directory metadata is applied children first, the root last. Not thread-safe; use once.
 */
final class CheckoutRun {
  private static final int CHUNK = 256 * 1024;
  /**
   * Files this large or larger leave the page cache once written ({@link WrittenFilePages}); 80 of
   * Debian v1's 115 MiB. Starting the write-back of each small file too made a checkout of v1 15%
   * slower (ext4 then allocates and writes each at once, not in batches), for the 35 MiB left.
   */
  static final long DROP_PAGES_FROM = 64 << 10;

  private final ObjectDatabase db;
  private final int threads;
  private final Hashes root;
  private final Metadata rootMeta;
  private final Path target;
  private final ProgressListener progress;
  private final List<Object[]> directories = new ArrayList<>();
  private final Map<Long, List<Object[]>> linkGroups = new HashMap<>();
  private final AtomicReference<IOException> failure = new AtomicReference<>();
  private final AtomicLong tmpCounter = new AtomicLong();
  private final AtomicLong doneEntries = new AtomicLong();
  private final AtomicLong doneBytes = new AtomicLong();
  private final AtomicLong files = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong hardlinks = new AtomicLong();
  /** The files written, held for their pages to leave the page cache once on disk. */
  private final WrittenFilePages pages = new WrittenFilePages();
  private long totalEntries;
  private long totalBytes;
  private byte[] tmpDir;
  /** The topmost directory this run created for the target, or null if the target existed. */
  private byte[] madeTop;

  CheckoutRun(ObjectDatabase db, int threads, Hashes root, Metadata rootMeta, Path target,
      ProgressListener progress) {
    this.db = db;
    this.threads = threads;
    this.root = root;
    this.rootMeta = rootMeta;
    this.target = target.toAbsolutePath().normalize();
    this.progress = progress;
  }

  CheckoutResult run() throws IOException {
    Tree top = db.readTree(root.id());
    byte[] base = prepareTarget();
    try {
      MetadataWriter.stopInheritance(base);
      return writeAll(base, top);
    } catch (IOException | RuntimeException e) {
      undo(base, e);
      throw e;
    } finally {
      pages.dropAll();
    }
  }

  private CheckoutResult writeAll(byte[] base, Tree top) throws IOException {
    tmpDir = Posix.join(base, freeName(top));
    Posix.mkdir(tmpDir, 0700);
    InFlightWindow inFlight = InFlightWindow.forWorkers(threads, InFlightWindow.JOBS_PER_WORKER);
    AtomicInteger threadNo = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "casfs-checkout-" + threadNo.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      walk(base, new byte[0], top, pool, inFlight);
      for (List<Object[]> group : linkGroups.values()) {
        group.sort((a, b) -> Arrays.compareUnsigned((byte[]) a[0], (byte[]) b[0]));
        submit(pool, inFlight, () -> writeGroup(group));
      }
      inFlight.awaitEmpty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("checkout into " + target + " interrupted");
    } finally {
      Workers.stop(pool);
    }
    IOException e = failure.get();
    if (e != null) {
      throw e;
    }
    Posix.rmdir(tmpDir);
    for (int i = directories.size() - 1; i >= 0; i--) {
      Object[] d = directories.get(i);
      MetadataWriter.apply((byte[]) d[0], EntryType.DIRECTORY, (Metadata) d[1]);
    }
    MetadataWriter.applyReplacing(base, EntryType.DIRECTORY, rootMeta);
    return new CheckoutResult(totalEntries, files.get(), bytes.get(), hardlinks.get());
  }

  /**
   * After a failure (the workers stopped): removes all the checkout wrote, so that the target is
   * as it was, absent or empty. What cannot be removed is told as a suppressed
   * {@link PartialCheckoutException}; the failure that stopped the checkout stays the one thrown.
   */
  private void undo(byte[] base, Exception failed) {
    try {
      FileStat top = Posix.lstatOrNull(madeTop != null ? madeTop : base);
      if (top == null) {
        return;
      }
      if (madeTop != null) {
        TreeRemoval.remove(madeTop, top.dev());
      } else {
        for (byte[] name : Posix.list(base)) {
          TreeRemoval.remove(Posix.join(base, name), top.dev());
        }
      }
    } catch (IOException | RuntimeException e) {
      failed.addSuppressed(new PartialCheckoutException(target, e));
    }
  }

  /**
   * Creates the target (remembering the first directory it made, to remove on failure), or
   * checks that it is an empty directory.
   */
  private byte[] prepareTarget() throws IOException {
    byte[] base = Posix.bytes(target);
    FileStat st = Posix.lstatOrNull(base);
    if (st == null) {
      Path top = target;
      while (top.getParent() != null && Posix.lstatOrNull(Posix.bytes(top.getParent())) == null) {
        top = top.getParent();
      }
      madeTop = Posix.bytes(top);
      try {
        if (target.getParent() != null) {
          Files.createDirectories(target.getParent());
        }
        Posix.mkdir(base, 0700);
      } catch (IOException | RuntimeException e) {
        undo(base, e);
        throw e;
      }
    } else if (!st.isDirectory()) {
      throw new FileAlreadyExistsException(target.toString(), null,
          "exists and is not a directory; check out into an empty or new directory");
    } else if (!Posix.list(base).isEmpty()) {
      throw new FileAlreadyExistsException(target.toString(), null, Checkout.isStoppedCheckout(target)
          ? Checkout.stoppedCheckoutAdvice(target) : "is not empty; check out into an empty or new directory");
    }
    return base;
  }

  /** The work folder's names ({@link #freeName}), as a glob. */
  static final String WORK_FOLDER_GLOB = ".casfs-checkout-" + "[0-9a-f]".repeat(16);

  /** A name for the temporary directory that the root tree does not use. */
  private static byte[] freeName(Tree top) {
    while (true) {
      String name = ".casfs-checkout-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
      if (top.getOrNull(Name.of(name)) == null) {
        return name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      }
    }
  }

  private void walk(byte[] dirPath, byte[] rel, Tree tree, ExecutorService pool, InFlightWindow inFlight)
      throws IOException, InterruptedException {
    totalEntries += tree.size();
    for (Entry e : tree.entries()) {
      IOException failed = failure.get();
      if (failed != null) {
        throw failed;
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException();
      }
      byte[] name = e.name().bytes();
      byte[] path = Posix.join(dirPath, name);
      byte[] relPath = rel.length == 0 ? name : Posix.join(rel, name);
      if (e.isDirectory()) {
        Posix.mkdir(path, 0700);
        directories.add(new Object[] {path, e.meta()});
        doneEntries.incrementAndGet();
        walk(path, relPath, db.readTree(e.childId()), pool, inFlight);
      } else if (e.linkGroup() != 0) {
        linkGroups.computeIfAbsent(e.linkGroup(), k -> new ArrayList<>()).add(new Object[] {relPath, path, e});
        totalBytes += e.size();
      } else if (e.isRegular()) {
        totalBytes += e.size();
        submit(pool, inFlight, () -> writeFile(path, e));
      } else {
        create(path, e);
        doneEntries.incrementAndGet();
      }
    }
    progress.progress(doneEntries.get(), totalEntries, doneBytes.get(), totalBytes);
  }

  private interface Job {
    void run() throws IOException;
  }

  private void submit(ExecutorService pool, InFlightWindow inFlight, Job job) throws InterruptedException {
    inFlight.acquire();
    pool.execute(() -> {
      try {
        if (failure.get() == null) {
          job.run();
        }
      } catch (IOException | RuntimeException e) {
        IOException io = e instanceof IOException x ? x : new IOException("checkout failed: " + e, e);
        if (!failure.compareAndSet(null, io)) {
          failure.get().addSuppressed(io);
        }
      } finally {
        inFlight.release();
      }
    });
  }

  /** The first path of a hardlink group is made; the others are links to it. */
  private void writeGroup(List<Object[]> group) throws IOException {
    byte[] first = (byte[]) group.get(0)[1];
    Entry e = (Entry) group.get(0)[2];
    if (e.isRegular()) {
      writeFile(first, e);
    } else {
      create(first, e);
      doneEntries.incrementAndGet();
    }
    for (int i = 1; i < group.size(); i++) {
      Posix.link(first, (byte[]) group.get(i)[1]);
      hardlinks.incrementAndGet();
      doneEntries.incrementAndGet();
    }
  }

  /** A symlink, device node, fifo or socket, with its metadata. */
  private static void create(byte[] path, Entry e) throws IOException {
    try {
      if (e.type() == EntryType.SYMLINK) {
        Posix.symlink(e.target(), path);
      } else {
        Posix.mknod(path, e.type().modeBits() | 0600, e.rdev());
      }
    } catch (PosixException x) {
      throw MetadataWriter.refused(x);
    }
    MetadataWriter.apply(path, e.type(), e.meta());
  }

  /** Content under a temporary name, verified, metadata set, then renamed into place. */
  private void writeFile(byte[] path, Entry e) throws IOException {
    byte[] tmp = Posix.join(tmpDir, Long.toString(tmpCounter.incrementAndGet()).getBytes(
        java.nio.charset.StandardCharsets.US_ASCII));
    try {
      int fd = Posix.createNew(tmp, 0600);
      int held = -1;
      try {
        copyBlob(fd, tmp, path, e);
        // Its write-back starts now; a second descriptor lets its pages be dropped once written
        // (an image would otherwise fill the page cache), while this one's close is checked.
        if (e.size() >= DROP_PAGES_FROM) {
          Posix.startWriteBack(fd);
          held = Posix.dupOrMinusOne(fd);
        }
      } finally {
        try {
          Posix.close(fd, tmp);
        } catch (PosixException x) {
          if (held >= 0) {
            Posix.closeIgnoringErrors(held);
          }
          throw x;
        }
      }
      if (held >= 0) {
        pages.add(held, e.size());
      }
      MetadataWriter.apply(tmp, EntryType.REGULAR, e.meta());
      Posix.rename(tmp, path);
    } catch (PosixException x) {
      throw x.about(tmp, path);
    }
    files.incrementAndGet();
    bytes.addAndGet(e.size());
    progress.progress(doneEntries.incrementAndGet(), totalEntries, doneBytes.get(), totalBytes);
  }

  private void copyBlob(int fd, byte[] tmp, byte[] path, Entry e) throws IOException {
    ObjectId id = e.childId();
    byte[] buf = new byte[CHUNK];
    HoleWriter out = new HoleWriter(fd, tmp); // sparse files stay sparse
    try (InputStream in = db.store().open(id)) {
      for (int n; (n = in.readNBytes(buf, 0, CHUNK)) > 0; ) {
        if (out.length() + n > e.size()) {
          throw new CorruptObjectException(id, "it is longer than the " + e.size()
              + " bytes its tree entry records");
        }
        out.write(buf, 0, n);
        doneBytes.addAndGet(n);
      }
      if (out.length() != e.size()) {
        throw new CorruptObjectException(id, "it has " + out.length() + " bytes where its tree entry records "
            + e.size());
      }
      out.finish();
    } catch (CorruptObjectException x) {
      throw x.at("refused to check out " + Posix.printable(path));
    } catch (MissingObjectException x) {
      throw new MissingObjectException(id, "blob of " + Posix.printable(path) + ", object");
    }
  }
}
