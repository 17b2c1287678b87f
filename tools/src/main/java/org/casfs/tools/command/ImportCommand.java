package org.casfs.tools.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.io.ImportResult;
import org.casfs.tools.AddedObjects;
import org.casfs.tools.CliException;
import org.casfs.tools.Format;
import org.casfs.tools.ImportProgress;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.Progress;
import org.casfs.tools.RefUpdates;
import org.casfs.tools.RepoCommand;
import org.casfs.txn.Actor;
import org.casfs.txn.Imports;
import org.casfs.txn.Transaction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code casfs import DIR}: makes a new version from a directory tree, as a transaction on
 * {@code current} (txn's {@link Imports}): its parent is {@code current}, its sequence one
 * higher. With {@code --switch} it becomes {@code current}.
 *
 * <p>If the process is killed, the open transaction names the directory and the same command
 * resumes it. If the import fails with an error (an unreadable file, a full disk), the
 * transaction is aborted and the objects it added are removed: the repository is as it was.
 */
@Command(name = "import", description = "Import a directory tree exactly as a new version (parent: current).")
public final class ImportCommand extends RepoCommand {
  @Parameters(index = "0", paramLabel = "DIR", description = "the directory to import (its contents become the root)")
  Path source;

  @Option(names = "--label", paramLabel = "L", defaultValue = "", description = "a label for the new version")
  String label;

  @Option(names = "--switch", description = "make the new version current (an atomic flip)")
  boolean switchTo;

  @Option(names = "--threads", paramLabel = "N", description = "threads that read and hash files (default: all cores)")
  Integer threads;

  @Override
  protected void execute() throws Exception {
    Path dir = source.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw CliException.usage(dir + (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) ? " is not a directory"
          : " does not exist") + "; give the directory to import");
    }
    if (label.length() > Manifest.MAX_LABEL || label.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw CliException.usage("bad label; use at most 256 printable characters");
    }
    if (threads != null && threads < 1) {
      throw CliException.usage("--threads must be at least 1");
    }
    Path repoDir = repoDir();
    if (Files.exists(repoDir) && repoDir.toRealPath().startsWith(dir.toRealPath())) {
      throw CliException.usage("the repository " + repoDir + " is inside " + dir
          + ", so the import would copy the store into itself; keep the repository outside the imported tree");
    }
    try (OpenRepo open = open()) {
      ImportOptions options = ImportOptions.defaults().withStatCache(open.repo().kv());
      if (threads != null) {
        options = options.withThreads(threads);
      }
      long start = System.nanoTime();
      Imports imports = new Imports(open.txn());
      String interrupted = imports.interruptedOrNull();
      if (interrupted != null && !interrupted.equals(dir.toString())) {
        throw CliException.rejected("an interrupted import of " + interrupted + " is open"
            + "; run 'casfs import " + interrupted + "' to finish it or 'casfs abort' to drop it");
      }
      Imports.Outcome outcome;
      try (AddedObjects added = AddedObjects.start(open.repo().objects(), open.repo().dir().resolve("objects"))) {
        try (Progress bar = progress("import", -1, "MiB")) {
          outcome = imports.run(dir, label, options, ImportProgress.of(bar));
        } catch (IllegalStateException e) {
          throw CliException.rejected(e.getMessage());
        } catch (IOException | RuntimeException e) {
          undo(open, added, e);
          throw e;
        }
      }
      ObjectId id = outcome.manifest();
      ImportResult r = outcome.imported();
      out().println((outcome.resumed() ? "resumed and imported " : "imported ") + dir + ": " + r.entries()
          + " entries, " + r.files() + " files, " + Format.bytes(r.bytes()) + " (" + r.newObjects()
          + " new objects, " + r.reusedObjects() + " already stored, " + r.filesRead() + " files read) in "
          + Format.seconds(System.nanoTime() - start));
      if (switchTo) {
        RefUpdates.require(open.txn().rootPointer().switchTo(id, "import " + dir, Actor.IMPORT), "switch to " + id, id);
        out().println("current is now " + id.name());
      }
      Manifest m = open.repo().objectDatabase().readManifest(id);
      out().println("version " + id.name() + "  seq " + m.sequence() + (label.isEmpty() ? "" : "  " + label));
    }
  }

  /** A failed (not killed) import: drop its transaction and the objects it added. */
  private static void undo(OpenRepo open, AddedObjects undo, Exception cause) {
    try {
      Transaction t = open.txn().transactions().openOrNull();
      if (t != null) {
        t.abort();
      }
      undo.removeAdded();
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }
}
