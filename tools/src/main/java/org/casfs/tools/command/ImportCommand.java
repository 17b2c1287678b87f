package org.casfs.tools.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Sizes;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.io.ImportResult;
import org.casfs.cas.posix.Posix;
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

  @Option(names = "--label", paramLabel = "L", converter = LabelArgument.class, description = "a label for the new version")
  String label;

  @Option(names = "--switch", description = "make the new version current (an atomic flip)")
  boolean switchTo;

  @Option(names = "--threads", paramLabel = "N", description = "threads that read and hash files (default: all cores)")
  Integer threads;

  @Option(names = {"-x", "--one-file-system"},
      description = "import directories on other file systems (mount points such as /proc or /sys of a live "
          + "root) as empty directories, as tar --one-file-system and rsync -x do")
  boolean oneFileSystem;

  @Option(names = "--exclude", paramLabel = "PATH",
      description = "leave out this path under DIR with all it holds; repeatable; relative to DIR (so is a "
          + "leading /)")
  List<String> excludes = new ArrayList<>();

  @Override
  protected void execute() throws Exception {
    // DIR as the shell's tools read it: a symlink to a directory (DIR itself, DIR/, DIR/.) is
    // followed and '..' taken after it; only the entries inside the tree are imported as symlinks.
    Path dir;
    try {
      dir = source.toRealPath();
    } catch (NoSuchFileException e) {
      throw CliException.usage(source.toAbsolutePath() + " does not exist"
          + (Files.isSymbolicLink(source) ? " (a symbolic link to " + Files.readSymbolicLink(source) + ", which does not)"
              : "") + "; give the directory to import");
    }
    if (!Files.isDirectory(dir)) {
      throw CliException.usage(source.toAbsolutePath() + " is not a directory; give the directory to import");
    }
    if (threads != null && threads < 1) {
      throw CliException.usage("--threads must be at least 1");
    }
    List<Path> excluded = excludedPaths(dir);
    Path repoDir = repoDir();
    if (Files.exists(repoDir) && repoDir.toRealPath().startsWith(dir.toRealPath())
        && !leftOut(repoDir.toRealPath(), dir.toRealPath(), excluded)) {
      throw CliException.usage("the repository " + repoDir + " is inside " + dir
          + ", so the import would copy the store into itself; keep the repository outside the imported tree"
          + " or leave it out (--exclude)");
    }
    try (OpenRepo open = open()) {
      ImportOptions options = ImportOptions.defaults().withStatCache(open.repo().kv())
          .withOneFileSystem(oneFileSystem).withExcluded(excluded.stream().map(Posix::bytes).toList());
      if (threads != null) {
        options = options.withThreads(threads);
      }
      long start = System.nanoTime();
      Imports imports = new Imports(open.txn());
      String interrupted = imports.interruptedOrNull();
      if (interrupted != null && !interrupted.equals(dir.toString()) && isSameDirectory(interrupted, dir)) {
        dir = Path.of(interrupted); // begun through a symlink by an older casfs: resumed as it was begun
      }
      if (interrupted != null && !interrupted.equals(dir.toString())) {
        throw CliException.rejected("an interrupted import of " + interrupted + " is open"
            + "; run 'casfs import " + interrupted + "' to finish it or 'casfs abort' to drop it");
      }
      Imports.Outcome outcome;
      try (AddedObjects added = AddedObjects.start(open.repo().objects(), open.repo().dir().resolve("objects"))) {
        try (Progress bar = progress("import", -1, "MiB")) {
          outcome = imports.run(dir, label == null ? "" : label, options, ImportProgress.of(bar));
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
          + " entries, " + r.files() + " files, " + Sizes.bytes(r.bytes()) + " (" + r.newObjects()
          + " new objects, " + r.reusedObjects() + " already stored, " + r.filesRead() + " files read"
          + (r.excluded() == 0 ? "" : ", " + r.excluded() + " excluded")
          + (r.mountPoints() == 0 ? "" : ", " + r.mountPoints() + " mount points imported empty") + ") in "
          + Format.seconds(System.nanoTime() - start));
      if (switchTo) {
        RefUpdates.require(open.txn().rootPointer().switchTo(id, "import " + dir, Actor.IMPORT), "switch to " + id, id);
        out().println("current is now " + id.name());
      }
      Manifest m = open.repo().objectDatabase().readManifest(id);
      out().println("version " + id.name() + "  seq " + m.sequence() + (label == null ? "" : "  " + label));
    }
  }

  /** The --exclude paths, relative to {@code dir} and normalized; each must exist under it. */
  private List<Path> excludedPaths(Path dir) {
    List<Path> out = new ArrayList<>();
    for (String e : excludes) {
      Path rel = Path.of(e.replaceFirst("^/+", "")).normalize();
      if (rel.toString().isEmpty() || rel.startsWith("..")) {
        throw CliException.usage("--exclude " + e + " is not a path under " + dir + "; give one relative to it");
      }
      if (!Files.exists(dir.resolve(rel), LinkOption.NOFOLLOW_LINKS)) {
        throw CliException.usage("--exclude " + e + ": " + dir.resolve(rel) + " does not exist; check the path");
      }
      for (Path above = rel.getParent(); above != null; above = above.getParent()) {
        if (Files.isSymbolicLink(dir.resolve(above))) {
          throw CliException.usage("--exclude " + e + ": " + dir.resolve(above) + " is a symbolic link, which the"
              + " import does not follow; give the path it points to");
        }
      }
      out.add(rel);
    }
    return out;
  }

  private static boolean isSameDirectory(String path, Path dir) {
    try {
      return Files.isSameFile(Path.of(path), dir);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Whether the import leaves {@code repo} (inside {@code dir}; both real paths) out. */
  private boolean leftOut(Path repo, Path dir, List<Path> excluded) throws IOException {
    for (Path rel : excluded) {
      if (repo.startsWith(dir.resolve(rel))) {
        return true;
      }
    }
    return oneFileSystem && !Files.getAttribute(repo, "unix:dev").equals(Files.getAttribute(dir, "unix:dev"));
  }

  /** A failed (not killed) import: drop its transaction and the objects it added. */
  private static void undo(OpenRepo open, AddedObjects undo, Exception cause) {
    // An import stopped by an interrupt (its client went away) still undoes itself whole: with the
    // flag set, every FileChannel the undo opens (the syncs) would fail at once.
    boolean interrupted = Thread.interrupted();
    try {
      Transaction t = open.txn().transactions().openOrNull();
      if (t != null) {
        t.abort();
      }
      undo.removeAdded();
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
