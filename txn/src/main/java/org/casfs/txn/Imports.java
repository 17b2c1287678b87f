package org.casfs.txn;

import java.io.IOException;
import java.nio.file.Path;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.io.ImportResult;
import org.casfs.cas.io.Importer;
import org.casfs.cas.io.ProgressListener;

/**
 * An import of a directory as a transaction: the transaction is begun (on {@code current}, or on
 * nothing in an empty repository) and records the source directory before a single object is
 * written; the cas {@link Importer} stores blobs and trees; the result is made durable, grafted
 * as the transaction's root and committed, and only then is a manifest written.
 *
 * <p>A crash at any instant leaves either no transaction, or an open transaction that names the
 * directory it was importing: {@link #run} with the same directory resumes it (objects already
 * stored are found again, unchanged files come from the stat cache), {@code abort} drops it.
 * Objects of an abandoned import are unreferenced and go at the next gc. Thread-safe as
 * {@link Transactions} is: one import at a time.
 */
public final class Imports {
  private final Versions versions;

  public Imports(Versions versions) {
    this.versions = versions;
  }

  /** What an import made. */
  public record Outcome(CommitResult commit, ImportResult imported, boolean resumed) {
    public ObjectId manifest() {
      return commit.manifest();
    }
  }

  /**
   * Imports {@code dir} as a new version labelled {@code label} whose parent is {@code current}.
   * Does not switch.
   *
   * @throws IllegalStateException if a transaction other than an interrupted import of this
   *     directory is open
   */
  public Outcome run(Path dir, String label, ImportOptions options, ProgressListener progress)
      throws IOException, VersionException {
    String source = dir.toAbsolutePath().normalize().toString();
    Transactions txns = versions.transactions();
    Transaction t;
    boolean resumed = false;
    synchronized (txns) {
      t = txns.openOrNull();
      if (t != null) {
        if (!source.equals(t.importSource())) {
          throw new IllegalStateException("a transaction is already open (id " + t.id()
              + (t.importSource() == null ? "" : ", an import of " + t.importSource())
              + "): 'casfs commit' or 'casfs abort' it first");
        }
        resumed = true;
      } else {
        t = txns.begin(versions.refs().currentOrNull());
      }
    }
    if (!resumed) {
      // Outside the Transactions monitor: the lock order is transaction, then Transactions.
      t.markImport(source);
    }
    ImportResult r = new Importer(versions.repository().objectDatabase()).importDirectory(dir, options, progress);
    // The tree must be durable before the journal (and later a manifest) names it.
    versions.repository().flush();
    t.graftRoot(r.root(), r.rootMeta());
    return new Outcome(t.commit(label), r, resumed);
  }

  /** The directory an interrupted import was reading, or null if none is open. */
  public String interruptedOrNull() throws IOException {
    Transaction t = versions.transactions().openOrNull();
    return t == null ? null : t.importSource();
  }
}
