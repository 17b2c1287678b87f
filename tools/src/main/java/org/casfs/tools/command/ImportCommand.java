package org.casfs.tools.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.io.ImportResult;
import org.casfs.cas.io.Importer;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.Repository;
import org.casfs.tools.CliException;
import org.casfs.tools.Format;
import org.casfs.tools.ImportProgress;
import org.casfs.tools.NewObjectRecorder;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.Progress;
import org.casfs.tools.RefUpdates;
import org.casfs.tools.RepoCommand;
import org.casfs.txn.Actor;
import org.casfs.txn.RefUpdate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code casfs import DIR}: makes a new version from a directory tree. Its parent is
 * {@code current} (else the newest version), its sequence one higher. The version is registered
 * (so its label resolves) and, with {@code --switch}, becomes {@code current}. If the import fails
 * (an unreadable file, a full disk) the objects it added are removed again: the repository is as
 * it was.
 */
@Command(name = "import", description = "Import a directory tree exactly as a new version"
    + " (parent: current, else the newest version).")
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
    try (OpenRepo open = open()) {
      Repository repo = open.repo();
      ObjectId parentId = open.currentOrNewestOrNull();
      long sequence = parentId == null ? 1 : repo.objectDatabase().readManifest(parentId).sequence() + 1;
      long start = System.nanoTime();
      NewObjectRecorder recorder = new NewObjectRecorder(repo.objects());
      ObjectDatabase db = new ObjectDatabase(recorder, repo.config().treeCacheBytes());
      ImportOptions options = ImportOptions.defaults().withStatCache(repo.kv());
      if (threads != null) {
        options = options.withThreads(threads);
      }
      ImportResult result;
      ObjectId id;
      Manifest m;
      try (Progress bar = progress("import", -1, "MiB")) {
        result = new Importer(db).importDirectory(dir, options, new ImportProgress(bar));
        repo.flush();
        m = new Manifest(result.root(), result.rootMeta(), repo.config().channel(), sequence, label, parentId,
            System.currentTimeMillis());
        id = db.writeManifest(m).id();
        repo.flush();
      } catch (IOException | RuntimeException e) {
        undo(recorder, e);
        throw e;
      }
      // From here the version is durable and complete; refs only point at it.
      RefUpdates.require(open.txn().refs().registerVersion(id, m), "registering the version", id);
      long took = System.nanoTime() - start;
      out().println("imported " + dir + ": " + result.entries() + " entries, " + result.files() + " files, "
          + Format.bytes(result.bytes()) + " (" + result.newObjects() + " new objects, " + result.reusedObjects()
          + " already stored, " + result.filesRead() + " files read) in " + Format.seconds(took));
      if (switchTo) {
        RefUpdate r = open.txn().rootPointer().switchTo(id, "import " + dir, Actor.IMPORT);
        RefUpdates.require(r, "switch to " + id, id);
        out().println("current is now " + id.name());
      }
      out().println("version " + id.name() + "  seq " + sequence + (label.isEmpty() ? "" : "  " + label));
    }
  }

  private static void undo(NewObjectRecorder recorder, Exception cause) {
    try {
      recorder.removeAdded();
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }
}
